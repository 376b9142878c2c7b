// The audit trail: an append-only record of officer actions and syncs, with time
// and actor. It must never record who cast which ballot, so no use-case that casts,
// views or revokes a ballot writes here.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';
import type { AuditEntry } from '../core/records.js';
import { pageWindow, type PageOf } from '../core/paging.js';

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
    const rows = await this.scoped(options.electionKey)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(options.limit ?? 200)
      .execute();
    return rows.map(toEntry);
  }

  /**
   * Page `page` (1-based, clamped to 1..last) of the entries of `electionKey` (null: the
   * syncs), newest first, `size` a page. Ordered by id, the order the rows were written
   * in, which no two entries share: a page boundary never splits entries of the same
   * second unpredictably. The index (community, election_key, id) serves the count,
   * the order and the offset without a sort.
   */
  async page(options: { electionKey: string | null; page: number; size: number }): Promise<PageOf<AuditEntry>> {
    const counted = await this.scoped(options.electionKey)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    const total = Number(counted?.n ?? 0);
    const at = pageWindow(total, options.page, options.size);
    const rows =
      total === 0
        ? []
        : await this.scoped(options.electionKey).selectAll().orderBy('id', 'desc').limit(options.size).offset(at.offset).execute();
    return { items: rows.map(toEntry), page: at.page, pages: at.pages, total };
  }

  /** This community's entries; of one election, of none (null), or all (undefined). */
  private scoped(electionKey: string | null | undefined) {
    const q = this.db.selectFrom('scrutin_audit').where('community', '=', this.community);
    if (electionKey === undefined) return q;
    return electionKey === null ? q.where('election_key', 'is', null) : q.where('election_key', '=', electionKey);
  }
}

function toEntry(r: Selectable<Database['scrutin_audit']>): AuditEntry {
  return {
    id: r.id,
    at: fromDbTime(r.at) ?? new Date(0),
    electionKey: r.election_key,
    actor: r.actor,
    action: r.action,
    detail: r.detail,
  };
}
