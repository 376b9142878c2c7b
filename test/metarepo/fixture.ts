// Helpers for meta repository tests: the real Elekto sample (read-only, copied when a
// test writes), and small in-memory election folders for the pure parser.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElectionFolder } from '../../src/core/meta/election.js';

/**
 * The real Elekto sample, copied into test/fixtures so tests run wherever the
 * repository is cloned (CI clones it away from ../shared) — never written to.
 */
export const FIXTURE = fileURLToPath(new URL('../fixtures/elekto-meta-sample', import.meta.url));

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'scrutin-meta-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Copies the sample repository (without its .git, if any) into `dest`. */
export function copyFixture(dest: string): void {
  cpSync(FIXTURE, dest, { recursive: true, filter: (src) => !src.split('/').includes('.git') });
}

/** Reads one fixture election folder into the parser's input, as the loader would. */
export function fixtureFolder(...segments: string[]): ElectionFolder {
  const dir = join(FIXTURE, 'elections', ...segments);
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (statSync(join(dir, name)).isFile()) files.set(name, readFileSync(join(dir, name), 'utf8'));
  }
  return { key: segments.join('---'), dir: ['elections', ...segments].join('/'), files };
}

export const GOOD_ELECTION = `name: Test election
organization: Example
start_datetime: 2024-01-01 00:00:00
end_datetime: 2024-01-10 00:00:00
no_winners: 1
allow_no_opinion: True
delete_after: False
show_candidate_fields:
  - employer
election_officers:
  - olivia
eligibility: Members may vote.
exception_description: Ask.
exception_due: 2024-01-05 00:00:00
`;

export const GOOD_VOTERS = 'eligible_voters:\n  - alice\n  - bob\n';

export function candidateFile(id: string, extra = '', bio = 'A bio.'): string {
  return `${'-'.repeat(61)}\nname: Candidate ${id}\nID: ${id}\ninfo:\n  - employer: Acme\n${extra}${'-'.repeat(61)}\n\n${bio}\n`;
}

/** An in-memory folder `elections/test` with good defaults; `files` overrides or adds (undefined removes). */
export function folder(files: Record<string, string | undefined> = {}, key = 'test'): ElectionFolder {
  const all: Record<string, string | undefined> = {
    'election.yaml': GOOD_ELECTION,
    'voters.yaml': GOOD_VOTERS,
    'candidate-ann.md': candidateFile('ann'),
    'candidate-ben.md': candidateFile('ben'),
    ...files,
  };
  const map = new Map<string, string>();
  for (const [name, text] of Object.entries(all)) if (text !== undefined) map.set(name, text);
  return { key, dir: `elections/${key.replaceAll('---', '/')}`, files: map };
}

/** Writes an election folder `rel` under `root` on disk, with good defaults that `files` overrides or adds. */
export function writeElection(root: string, rel: string, files: Record<string, string> = {}): void {
  const dir = join(root, rel);
  mkdirSync(dir, { recursive: true });
  const all = { 'election.yaml': GOOD_ELECTION, 'voters.yaml': GOOD_VOTERS, 'candidate-ann.md': candidateFile('ann'), ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
}
