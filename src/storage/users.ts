// Users are GitHub accounts, stored by login as GitHub spells it and matched
// case-insensitively (GitHub's rule). GitHub's numeric id, when known, wins over
// the login, so a renamed account remains the same user, and a login re-registered
// by another account never inherits the old account's row.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { normalizeLogin } from '../core/meta/types.js';
import { isUniqueViolation } from './errors.js';
import { insertReturningId } from './insert.js';
import type { Database } from './schema.js';
import { toDbTime } from './time.js';
import { prepared } from './prepared.js';

/** Marks a login a row let go of when another GitHub account signed in with it: `<login>~released-<id>`. */
export const RELEASED_MARK = '~released-';

export interface User {
  id: number;
  login: string;
  name: string | null;
  githubId: string | null;
}

interface Row {
  id: number;
  username: string | null;
  name: string | null;
  github_id: string | number | null;
}

function toUser(row: Row): User {
  return { id: row.id, login: row.username ?? '', name: row.name, githubId: row.github_id === null ? null : String(row.github_id) };
}

export interface SignIn {
  login: string;
  name: string | null;
  githubId: string | null;
  now: Date;
}

export class UserRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DbKind,
  ) {}

  private select() {
    return this.db.selectFrom('user').select(['id', 'username', 'name', 'github_id']);
  }

  async findById(id: number): Promise<User | null> {
    const row = await this.select().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  async findByLogin(login: string): Promise<User | null> {
    const row = await this.select()
      .where(sql`lower(username)`, '=', normalizeLogin(login))
      .orderBy('id')
      .executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  async findByLogins(logins: readonly string[]): Promise<User[]> {
    if (logins.length === 0) return [];
    const rows = await this.select()
      .where(sql`lower(username)`, 'in', logins.map(normalizeLogin))
      .execute();
    return rows.map(toUser);
  }

  /**
   * Records a sign-in and returns the user it belongs to:
   *  - the row bound to this GitHub id, if any (a renamed account stays the same user);
   *  - else a row holding this login that is bound to no GitHub id yet (an Elekto row,
   *    a development sign-in), which is bound to this id from now on;
   *  - else a new row.
   * A row holding this login but bound to *another* GitHub id is never taken over: the
   * login was renamed away and re-registered, and that row's exception requests, votes
   * and attempts belong to the old account. Such rows release the login (see
   * releaseLogin) so the new account can have it. Clears any token Elekto left behind.
   */
  async recordSignIn(input: SignIn): Promise<User> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.recordSignInOnce(input);
      } catch (error) {
        // Two first sign-ins of one account racing: the loser finds the winner's row.
        if (attempt < 2 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  private async recordSignInOnce({ login, name, githubId, now }: SignIn): Promise<User> {
    const byId = githubId === null ? undefined : await this.select().where('github_id', '=', githubId).executeTakeFirst();
    const byLogin =
      byId !== undefined
        ? undefined
        : await this.select()
            .where(sql`lower(username)`, '=', normalizeLogin(login))
            .orderBy('id')
            .executeTakeFirst();
    // Without a GitHub id (development sign-in) the login is all there is to go by.
    const unbound = byLogin !== undefined && (githubId === null || byLogin.github_id === null) ? byLogin : undefined;
    const existing = byId ?? unbound;
    const at = toDbTime(now);
    // Whatever other row holds this login (a stale row, or another account's) lets go of it.
    await this.releaseLogin(login, existing?.id ?? null, now);
    if (existing !== undefined) {
      const boundId = githubId ?? (existing.github_id === null ? null : String(existing.github_id));
      await this.db
        .updateTable('user')
        .set({ username: login, name, github_id: boundId, token: null, token_expires_at: null, updated_at: at })
        .where('id', '=', existing.id)
        .execute();
      return { id: existing.id, login, name, githubId: boundId };
    }
    const id = await insertReturningId(
      this.kind,
      this.db.insertInto('user').values({ username: login, name, github_id: githubId, token: null, created_at: at, updated_at: at }),
    );
    return { id, login, name, githubId };
  }

  /**
   * Renames every row but `keep` that holds `login` (any case) to `<login>~released-<id>`,
   * which no GitHub login can be (so it never matches a voter list and never collides
   * with Elekto's UNIQUE(username)), and ends that account's sessions, which still
   * carry the login. Nothing else of the row changes: its requests, votes and attempts
   * stay with it, and its account gets its current login back at its next sign-in.
   */
  private async releaseLogin(login: string, keep: number | null, now: Date): Promise<void> {
    let holders = this.db
      .selectFrom('user')
      .select(['id', 'username'])
      .where(sql`lower(username)`, '=', normalizeLogin(login));
    if (keep !== null) holders = holders.where('id', '!=', keep);
    for (const row of await holders.execute()) {
      const released = `${(row.username ?? '').slice(0, 200)}${RELEASED_MARK}${row.id}`;
      await this.db
        .updateTable('user')
        .set((eb) => ({ username: released, session_generation: eb('session_generation', '+', 1), updated_at: toDbTime(now) }))
        .where('id', '=', row.id)
        .execute();
    }
  }

  /**
   * What a request needs to trust a session of this user: the current session
   * generation and the login and name as last recorded. One primary-key lookup.
   * Null when the user row is gone.
   */
  readonly #sessionState = prepared(([id]: [number]) =>
    this.db.selectFrom('user').select(['session_generation', 'username', 'name']).where('id', '=', id),
  );

  /** Asked on every request of a signed-in user (src/http/session.ts). */
  async sessionState(id: number): Promise<{ generation: number; login: string | null; name: string | null } | null> {
    const [row] = await this.#sessionState(this.db, [id]);
    if (row === undefined) return null;
    return { generation: row.session_generation, login: row.username, name: row.name };
  }

  /** Ends every session of this user, wherever it is (sign-out, "sign out everywhere"). */
  async endSessions(id: number): Promise<void> {
    await this.db
      .updateTable('user')
      .set((eb) => ({ session_generation: eb('session_generation', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }
}
