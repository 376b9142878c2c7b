// `delete_after: true`: once an election is completed, the sealed links between voters
// and ballots are erased for good (salt, sealed identifier and KDF parameters), after the
// ballot rows are written again in a random order, so nothing the database engine kept
// about when each row was written (PostgreSQL's xmin, heap order) can stand in for the
// erased links. `election.links_erased_at` records that it was done. Called lazily by the
// ballot service on the first request for such an election, and after every meta sync
// (eraseDueLinks). Only counts are logged.
import { phaseAt } from '../core/election/phase.js';
import type { Election, MetaSnapshot } from '../core/meta/types.js';
import type { Store } from '../storage/store.js';

export interface EraseDeps {
  store: Store;
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  now: Date;
}

export type EraseOutcome =
  | { status: 'not-due' }
  | { status: 'already-erased'; at: Date }
  | { status: 'erased'; links: number; ballotRows: number };

type ErasableElection = Pick<Election, 'key' | 'name' | 'deleteAfter' | 'startDatetime' | 'endDatetime'>;

/** Whether `delete_after` asks for erasure now. */
export function erasureDue(election: ErasableElection, now: Date): boolean {
  return election.deleteAfter && phaseAt(election, now) === 'completed';
}

/** Erases one election's links if `delete_after` is set and it is completed; idempotent. */
export async function eraseLinks(deps: EraseDeps, election: ErasableElection): Promise<EraseOutcome> {
  if (!erasureDue(election, deps.now)) return { status: 'not-due' };
  const existing = await deps.store.elections.findByKey(election.key);
  if (existing !== null && existing.linksErasedAt !== null) return { status: 'already-erased', at: existing.linksErasedAt };
  const electionId = existing?.id ?? (await deps.store.elections.ensure(election.key, election.name, deps.now));
  // The rewrite has a transaction of its own: written together with the voter rows'
  // update, the ballot rows would share that transaction's id with them again.
  const ballotRows = await deps.store.transaction((tx) => tx.ballots.rewriteRows(electionId));
  const outcome = await deps.store.transaction(async (tx) => {
    // Another replica may have done it meanwhile; doing it twice is harmless, but say so once.
    const row = await tx.elections.findByKey(election.key);
    if (row !== null && row.linksErasedAt !== null) return { status: 'already-erased' as const, at: row.linksErasedAt };
    const links = await tx.ballots.eraseLinks(electionId);
    await tx.elections.markLinksErased(electionId, deps.now);
    await tx.audit.append({ at: deps.now, electionKey: election.key, actor: null, action: 'links-erased', detail: `delete_after: ${links} voter–ballot links erased` });
    return { status: 'erased' as const, links, ballotRows };
  });
  if (outcome.status === 'erased') {
    deps.log.info({ election: election.key, links: outcome.links }, 'delete_after: erased the voter–ballot links of a completed election');
  }
  return outcome;
}

/**
 * Erases the links of every completed `delete_after` election in a snapshot. For the
 * meta sync (after each sync) and `scrutin sync`. One election failing does not stop
 * the others; failures are logged and counted.
 */
export async function eraseDueLinks(deps: EraseDeps, snapshot: MetaSnapshot): Promise<{ erased: string[]; failed: string[] }> {
  const erased: string[] = [];
  const failed: string[] = [];
  for (const entry of snapshot.entries.values()) {
    if (!entry.ok || !erasureDue(entry.election, deps.now)) continue;
    try {
      const outcome = await eraseLinks(deps, entry.election);
      if (outcome.status === 'erased') erased.push(entry.key);
    } catch (error) {
      failed.push(entry.key);
      deps.log.error({ election: entry.key, err: error }, 'delete_after: erasing the voter–ballot links failed; will try again');
    }
  }
  return { erased, failed };
}
