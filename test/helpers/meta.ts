// Builds parsed elections directly, for tests of policies, use-cases and pages that
// should not depend on the meta parser.
import { defaultRules } from '../../src/core/governance/rules.js';
import type { Candidate, Election, ElectionEntry, MetaSnapshot } from '../../src/core/meta/types.js';

export function makeCandidate(id: string, name = id.toUpperCase(), extra: Partial<Candidate> = {}): Candidate {
  return { id, name, info: [], bioMarkdown: '', bioHtml: '', file: `elections/x/candidate-${id}.md`, ...extra };
}

export interface ElectionSpec extends Partial<Omit<Election, 'voterSet' | 'officerSet'>> {
  key: string;
}

export function makeElection(spec: ElectionSpec): Election {
  const voters = spec.voters ?? ['alice', 'bob', 'carol'];
  const officers = spec.officers ?? ['olivia'];
  const start = spec.startDatetime ?? new Date('2026-01-01T00:00:00Z');
  return {
    dir: `elections/${spec.key.replaceAll('---', '/')}`,
    name: `Election ${spec.key}`,
    organization: 'Example',
    endDatetime: new Date('2026-01-15T00:00:00Z'),
    noWinners: 1,
    allowNoOpinion: true,
    deleteAfter: false,
    showCandidateFields: [],
    ballotReceipts: false,
    eligibilityHtml: '<p>Members may vote.</p>',
    exceptionDescriptionHtml: '<p>Ask if you were missed.</p>',
    descriptionHtml: '<p>An election.</p>',
    resultsHtml: null,
    candidates: [makeCandidate('ann'), makeCandidate('ben'), makeCandidate('cat')],
    warnings: [],
    rules: defaultRules(),
    ...spec,
    startDatetime: start,
    exceptionDue: spec.exceptionDue ?? start,
    voters,
    officers,
    voterSet: new Set(voters.map((v) => v.toLowerCase())),
    officerSet: new Set(officers.map((o) => o.toLowerCase())),
  };
}

export function entryOf(election: Election): ElectionEntry {
  return { key: election.key, dir: election.dir, ok: true, election, problems: [] };
}

export function snapshotOf(entries: ElectionEntry[], revision: string | null = 'abc123', now = new Date()): MetaSnapshot {
  return { revision, loadedAt: now, entries: new Map(entries.map((e) => [e.key, e])), problems: [] };
}
