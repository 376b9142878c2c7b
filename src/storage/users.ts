// Users are GitHub accounts, stored by login as GitHub spells it and matched
// case-insensitively (GitHub's rule). GitHub's numeric id, when known, wins over
// the login, so a renamed account remains the same user.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { isUniqueViolation } from './errors.js';
import { insertReturningId } from './insert.js';
import type { Database } from './schema.js';
import { toDbTime } from './time.js';

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
  constructor(private readonly db: Kysely<Database>, private readonly kind: DbKind) {}

  private select() {
    return this.db.selectFrom('user').select(['id', 'username', 'name', 'github_id']);
  }

  async findById(id: number): Promise<User | null> {
    const row = await this.select().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  async findByLogin(login: string): Promise<User | null> {
    const row = await this.select()
      .where(sql`lower(username)`, '=', login.trim().toLowerCase())
      .orderBy('id')
      .executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  async findByLogins(logins: readonly string[]): Promise<User[]> {
    if (logins.length === 0) return [];
    const rows = await this.select()
      .where(sql`lower(username)`, 'in', logins.map((l) => l.toLowerCase()))
      .execute();
    return rows.map(toUser);
  }

  /**
   * Records a sign-in: finds the user by GitHub id, else by login (any case), and
   * refreshes login spelling, name and id; creates the user otherwise. Clears any
   * token Elekto left behind: Scrutin never keeps one.
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
    const existing = byId ?? (await this.select().where(sql`lower(username)`, '=', login.toLowerCase()).orderBy('id').executeTakeFirst());
    const at = toDbTime(now);
    if (existing !== undefined) {
      if (byId !== undefined && existing.username?.toLowerCase() !== login.toLowerCase()) {
        // The account was renamed; another stale row may hold the new login. Free it
        // by renaming that row aside rather than deleting anything.
        await this.db
          .updateTable('user')
          .set({ username: sql<string>`concat(username, ${`~renamed-${existing.id}`})` as unknown as string })
          .where(sql`lower(username)`, '=', login.toLowerCase())
          .where('id', '!=', existing.id)
          .execute();
      }
      await this.db
        .updateTable('user')
        .set({ username: login, name, github_id: githubId ?? existing.github_id?.toString() ?? null, token: null, token_expires_at: null, updated_at: at })
        .where('id', '=', existing.id)
        .execute();
      return { id: existing.id, login, name, githubId: githubId ?? (existing.github_id === null ? null : String(existing.github_id)) };
    }
    const id = await insertReturningId(
      this.kind,
      this.db.insertInto('user').values({ username: login, name, github_id: githubId, token: null, created_at: at, updated_at: at }),
    );
    return { id, login, name, githubId };
  }
}
