// Passphrase attempts, kept in the database so the limit per user and election holds
// across replicas and restarts. An attempt is recorded before the key derivation
// starts, so guesses sent at the same moment all count; one that turns out right is
// removed again, so only failed guesses use up the allowance.
import type { Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { insertReturningId } from './insert.js';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';

export interface AttemptWindow {
  /** Attempts counted. */
  count: number;
  /** The oldest of them, to say when the next attempt will be allowed. */
  oldest: Date | null;
}

export class AttemptRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DbKind,
  ) {}

  /** Records an attempt now; returns its id (ids grow with arrival order). */
  record(userId: number, electionId: number, at: Date): Promise<number> {
    return insertReturningId(
      this.kind,
      this.db.insertInto('scrutin_passphrase_attempt').values({ user_id: userId, election_id: electionId, attempted_at: toDbTime(at) }),
    );
  }

  /**
   * Attempts of (user, election) at or after `since`. With `upToId`, only those that
   * arrived no later than that attempt: its rank among simultaneous guesses.
   */
  async countSince(userId: number, electionId: number, since: Date, upToId?: number): Promise<AttemptWindow> {
    let q = this.db
      .selectFrom('scrutin_passphrase_attempt')
      .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('attempted_at').as('oldest')])
      .where('user_id', '=', userId)
      .where('election_id', '=', electionId)
      .where('attempted_at', '>=', toDbTime(since));
    if (upToId !== undefined) q = q.where('id', '<=', upToId);
    const row = await q.executeTakeFirst();
    return { count: Number(row?.n ?? 0), oldest: fromDbTime(row?.oldest ?? null) };
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('scrutin_passphrase_attempt').where('id', '=', id).execute();
  }

  /** Forgets attempts older than `before` (they no longer count); returns how many. */
  async prune(userId: number, electionId: number, before: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('scrutin_passphrase_attempt')
      .where('user_id', '=', userId)
      .where('election_id', '=', electionId)
      .where('attempted_at', '<', toDbTime(before))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
