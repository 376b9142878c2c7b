// After each successful meta sync: bring the `election` table in line with the new
// snapshot (insert new keys, update names, mark orphans, restore returning folders —
// never delete), record the revision for the other replicas to follow, write one
// audit entry, and erase the links of completed `delete_after` elections.
import type { MetaSnapshot } from '../core/meta/types.js';
import type { ElectionSyncChange } from '../storage/elections.js';
import type { Store } from '../storage/store.js';
import { eraseDueLinks } from './eraseLinks.js';

/** The `scrutin_setting` holding the revision of the last sync, which every replica follows. */
export const META_REVISION_SETTING = 'meta_revision';

/** Each community's replicas follow its own revision; '' (no COMMUNITIES) keeps Elekto-era's name. */
export function metaRevisionSetting(community: string): string {
  return community === '' ? META_REVISION_SETTING : `${META_REVISION_SETTING}:${community}`;
}

export interface SyncMetaDeps {
  store: Store;
  log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  now: Date;
}

export interface SyncMetaResult {
  revision: string | null;
  /** The revision recorded in the database before this sync. */
  previousRevision: string | null;
  change: ElectionSyncChange;
  /** Elections whose voter–ballot links were erased now (`delete_after`). */
  erased: string[];
  /** Elections whose erasure failed (logged; retried at the next sync). */
  eraseFailed: string[];
  /** Whether an audit entry was written (not when another replica already recorded this revision unchanged). */
  audited: boolean;
}

export function hasChanges(change: ElectionSyncChange): boolean {
  return change.added.length + change.renamed.length + change.orphaned.length + change.restored.length > 0;
}

const LISTED = 50;

function keys(list: string[]): string {
  if (list.length <= LISTED) return list.join(', ');
  return `${list.slice(0, LISTED).join(', ')} and ${list.length - LISTED} more`;
}

/** One line for the audit log: the revision and what changed in the election table. */
export function describeSync(result: Pick<SyncMetaResult, 'revision' | 'previousRevision' | 'change'>): string {
  const parts = [
    `revision ${result.revision ?? '(not a git checkout)'}${result.previousRevision !== null && result.previousRevision !== result.revision ? ` (was ${result.previousRevision})` : ''}`,
  ];
  const { added, renamed, orphaned, restored } = result.change;
  if (added.length > 0) parts.push(`added ${keys(added)}`);
  if (renamed.length > 0) parts.push(`renamed ${keys(renamed)}`);
  if (orphaned.length > 0) parts.push(`orphaned ${keys(orphaned)}`);
  if (restored.length > 0) parts.push(`restored ${keys(restored)}`);
  if (!hasChanges(result.change)) parts.push('no change to the election table');
  return parts.join('; ');
}

/**
 * Applies a freshly swapped snapshot to the database. Broken elections (entries with
 * errors) count as present: their folder is still there, so their data is not orphaned.
 *
 * Not one transaction on purpose: replicas may run this at the same moment, and on
 * PostgreSQL a unique-key clash inside a transaction would abort it, whereas the
 * election repository resolves such a race statement by statement. Every step is
 * idempotent, so a second replica applying the same snapshot changes nothing.
 */
export async function syncMeta(deps: SyncMetaDeps, snapshot: MetaSnapshot): Promise<SyncMetaResult> {
  const { store, now } = deps;
  const elections = [...snapshot.entries.values()].map((e) => ({ key: e.key, name: e.ok ? e.election.name : e.name }));
  const change = await store.elections.syncWith(elections, now);
  const setting = metaRevisionSetting(store.community);
  const previousRevision = await store.settings.get(setting);
  // A plain folder (not a git checkout) has no revision to share.
  if (snapshot.revision !== null && snapshot.revision !== previousRevision) await store.settings.set(setting, snapshot.revision, now);
  // With several replicas each one applies every sync; only the first one to see a
  // revision (or any replica that actually changed a row) writes the audit entry.
  const audited = hasChanges(change) || snapshot.revision !== previousRevision;
  if (audited) {
    await store.audit.append({
      at: now,
      electionKey: null,
      actor: 'sync',
      action: 'meta.sync',
      detail: describeSync({ revision: snapshot.revision, previousRevision, change }),
    });
  }
  if (hasChanges(change)) deps.log.info({ revision: snapshot.revision, ...change }, 'election table synced with the meta repository');
  const { erased, failed } = await eraseDueLinks(deps, snapshot);
  return { revision: snapshot.revision, previousRevision, change, erased, eraseFailed: failed, audited };
}
