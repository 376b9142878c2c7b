// The `election` table mirrors the meta repository: one row per election key,
// created the first time the key is seen. A sync never deletes a row (ballots hang
// off it); an election whose folder disappeared is marked orphaned, and comes back
// to life if the folder returns. Deleting is `purge`, an explicit operator command.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { isUniqueViolation } from './errors.js';
import { insertReturningId } from './insert.js';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';
import { prepared } from './prepared.js';

export interface ElectionRow {
  id: number;
  key: string;
  name: string | null;
  orphanedAt: Date | null;
  linksErasedAt: Date | null;
}

export interface ElectionSyncChange {
  added: string[];
  renamed: string[];
  orphaned: string[];
  restored: string[];
}

export interface PurgeCounts {
  ballots: number;
  voters: number;
  requests: number;
}

export class ElectionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DbKind,
    /** Every query reads and writes this community's elections only ('' without COMMUNITIES). */
    private readonly community = '',
  ) {}

  private select() {
    return this.db
      .selectFrom('election')
      .select(['id', 'key', 'name', 'orphaned_at', 'links_erased_at'])
      .where('community', '=', this.community);
  }

  private static toRow(r: {
    id: number;
    key: string;
    name: string | null;
    orphaned_at: Date | string | null;
    links_erased_at: Date | string | null;
  }): ElectionRow {
    return { id: r.id, key: r.key, name: r.name, orphanedAt: fromDbTime(r.orphaned_at), linksErasedAt: fromDbTime(r.links_erased_at) };
  }

  async list(): Promise<ElectionRow[]> {
    const rows = await this.select().orderBy('key').execute();
    return rows.map((r) => ElectionRepo.toRow(r));
  }

  readonly #byKey = prepared(([key]: [string]) => this.select().where('key', '=', key));

  async findByKey(key: string): Promise<ElectionRow | null> {
    const [row] = await this.#byKey(this.db, [key]);
    return row === undefined ? null : ElectionRepo.toRow(row);
  }

  /** The row for `key`, created if missing (safe when several replicas race). */
  async ensure(key: string, name: string | null, now: Date): Promise<number> {
    const existing = await this.findByKey(key);
    if (existing !== null) return existing.id;
    try {
      const at = toDbTime(now);
      return await insertReturningId(
        this.kind,
        this.db.insertInto('election').values({ community: this.community, key, name, created_at: at, updated_at: at }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const row = await this.findByKey(key);
      if (row === null) throw error;
      return row.id;
    }
  }

  /** Brings the table in line with the meta repository's elections. Never deletes. */
  async syncWith(elections: ReadonlyArray<{ key: string; name: string | null }>, now: Date): Promise<ElectionSyncChange> {
    const change: ElectionSyncChange = { added: [], renamed: [], orphaned: [], restored: [] };
    const at = toDbTime(now);
    const rows = new Map((await this.list()).map((r) => [r.key, r]));
    for (const e of elections) {
      const row = rows.get(e.key);
      if (row === undefined) {
        await this.ensure(e.key, e.name, now);
        change.added.push(e.key);
        continue;
      }
      const renamed = e.name !== null && e.name !== row.name;
      if (renamed) change.renamed.push(e.key);
      if (row.orphanedAt !== null) change.restored.push(e.key);
      if (renamed || row.orphanedAt !== null) {
        await this.db
          .updateTable('election')
          .set({ name: renamed ? e.name : row.name, orphaned_at: null, updated_at: at })
          .where('id', '=', row.id)
          .execute();
      }
    }
    const present = new Set(elections.map((e) => e.key));
    for (const row of rows.values()) {
      if (!present.has(row.key) && row.orphanedAt === null) {
        await this.db.updateTable('election').set({ orphaned_at: at, updated_at: at }).where('id', '=', row.id).execute();
        change.orphaned.push(row.key);
      }
    }
    return change;
  }

  /**
   * Hands the elections of the single-community days (community '') to this community:
   * a deployment that adds a COMMUNITIES file keeps every election, ballot, passphrase
   * and exception request under its default community. Election ids do not change, so
   * nothing attached to them moves. A key this community already has is left alone and
   * reported (the operator decides). Also the audit entries.
   */
  async adoptUnassigned(now: Date): Promise<{ adopted: string[]; conflicts: string[] }> {
    if (this.community === '') return { adopted: [], conflicts: [] };
    const mine = new Set((await this.list()).map((r) => r.key));
    const unassigned = await this.db.selectFrom('election').select(['id', 'key']).where('community', '=', '').execute();
    const adopted: string[] = [];
    const conflicts: string[] = [];
    for (const row of unassigned) {
      if (mine.has(row.key)) {
        conflicts.push(row.key);
        continue;
      }
      await this.db
        .updateTable('election')
        .set({ community: this.community, updated_at: toDbTime(now) })
        .where('id', '=', row.id)
        .where('community', '=', '')
        .execute();
      adopted.push(row.key);
    }
    if (adopted.length > 0)
      await this.db.updateTable('scrutin_audit').set({ community: this.community }).where('community', '=', '').execute();
    return { adopted, conflicts };
  }

  async purgeCounts(electionId: number): Promise<PurgeCounts> {
    const count = async (table: 'ballot' | 'voter' | 'request') => {
      const r = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('election_id', '=', electionId)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    };
    return { ballots: await count('ballot'), voters: await count('voter'), requests: await count('request') };
  }

  /** Deletes an election and everything attached to it. Call inside a transaction. */
  async purge(electionId: number): Promise<void> {
    await this.db.deleteFrom('ballot').where('election_id', '=', electionId).execute();
    await this.db.deleteFrom('voter').where('election_id', '=', electionId).execute();
    await this.db.deleteFrom('request').where('election_id', '=', electionId).execute();
    await this.db.deleteFrom('scrutin_passphrase_attempt').where('election_id', '=', electionId).execute();
    await this.db.deleteFrom('election').where('id', '=', electionId).execute();
  }

  async markLinksErased(electionId: number, now: Date): Promise<void> {
    await this.db
      .updateTable('election')
      .set({ links_erased_at: toDbTime(now) })
      .where('id', '=', electionId)
      .execute();
  }

  /**
   * Locks the election's row until the caller's transaction ends: an UPDATE that
   * changes nothing locks on every engine (and takes SQLite's write lock), so work done
   * once per election (the rewrite after the close) is decided under it, by one replica.
   */
  async lock(electionId: number): Promise<void> {
    await this.db
      .updateTable('election')
      .set({ updated_at: sql<string>`updated_at` })
      .where('id', '=', electionId)
      .execute();
  }
}
