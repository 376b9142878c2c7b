// Publishing an election's result (issue 15): one audited officer action, after the
// close, that freezes the anonymous ballots CSV (with receipt codes where enabled) and
// its SHA-256. From then on anyone can read the computed result, download that exact
// file and recount it with `scrutin tally`; the hash in the audit trail says the file
// never changed. Publishing twice keeps the first publication.
import { createHash } from 'node:crypto';
import type { Election } from '../../core/meta/types.js';
import { isUniqueViolation } from '../../storage/errors.js';
import type { Publication } from '../../storage/publications.js';
import type { Store } from '../../storage/store.js';
import { exportBallots } from './exportBallots.js';

export type PublishOutcome = { ok: true; publication: Omit<Publication, 'csv'>; already: boolean };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Publishes `election` (closed, its ballots final) as `officer` at `now`. */
export async function publishResults(store: Store, election: Election, officer: string, now: Date): Promise<PublishOutcome> {
  const electionId = await store.elections.ensure(election.key, election.name, now);
  const earlier = await store.publications.find(electionId);
  if (earlier !== null) return { ok: true, publication: earlier, already: true };
  const exported = await exportBallots(store, election);
  const publication: Publication = {
    electionId,
    publishedAt: now,
    publishedBy: officer,
    ballots: exported.ballots,
    csv: exported.csv,
    sha256: sha256Hex(exported.csv),
  };
  try {
    await store.transaction(async (tx) => {
      await tx.publications.insert(publication);
      await tx.audit.append({
        at: now,
        electionKey: election.key,
        actor: officer,
        action: 'results.published',
        detail: `${publication.ballots} ballots; ballots CSV SHA-256 ${publication.sha256}`,
      });
    });
  } catch (error) {
    // Another officer (or replica) published at the same moment: theirs stands.
    if (!isUniqueViolation(error)) throw error;
    const theirs = await store.publications.find(electionId);
    if (theirs === null) throw error;
    return { ok: true, publication: theirs, already: true };
  }
  const { csv: _csv, ...shown } = publication;
  return { ok: true, publication: shown, already: false };
}
