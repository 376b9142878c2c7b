// The audit trail: an append-only record of officer actions and syncs, with time
// and actor. It must never record who cast which ballot, so no use-case that casts,
// views or revokes a ballot writes here.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';
import type { AuditEntry } from '../core/records.js';

export interface NewAuditEntry {
  at: Date;
  electionKey: string | null;
  actor: string | null;
  action: string;
  detail?: string | null;
}

export class AuditRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Entries are written for, and listed from, this community only. */
    private readonly community = '',
  ) {}

  async append(entry: NewAuditEntry): Promise<void> {
    await this.db
      .insertInto('scrutin_audit')
      .values({
        at: toDbTime(entry.at),
        community: this.community,
        election_key: entry.electionKey,
        actor: entry.actor,
        action: entry.action,
        detail: entry.detail ?? null,
      })
      .execute();
  }

  /** Newest first. `electionKey` null lists entries that belong to no election (syncs). */
  async list(options: { electionKey?: string | null; limit?: number } = {}): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('scrutin_audit').selectAll().where('community', '=', this.community);
    if (options.electionKey !== undefined) {
      q = options.electionKey === null ? q.where('election_key', 'is', null) : q.where('election_key', '=', options.electionKey);
    }
    const rows = await q
      .orderBy('id', 'desc')
      .limit(options.limit ?? 200)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: fromDbTime(r.at) ?? new Date(0),
      electionKey: r.election_key,
      actor: r.actor,
      action: r.action,
      detail: r.detail,
    }));
  }
}
