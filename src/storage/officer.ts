// Queries of the officers' workspace that no other repository holds: deciding an
// exception request (scoped to its election in the statement itself, so an id from
// another election can never be touched), who of an election has voted (by login,
// never joined to a ballot row), and votes per day from voter.created_at.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { normalizeLogin } from '../core/meta/types.js';
import type { RequestDecision } from '../core/records.js';
import type { Database } from './schema.js';
import { toDbTime } from './time.js';
import { RELEASED_MARK } from './users.js';

export interface DecideRequest {
  electionId: number;
  requestId: number;
  decision: RequestDecision;
  /** What the officer wrote; '' for none. */
  note: string;
  /** The deciding officer's login. */
  decidedBy: string;
  now: Date;
}

export interface VotedLogins {
  /**
   * The login each ballot was cast under (`voter.login`, lower-cased); for rows cast
   * before Scrutin recorded it, the user's login as stored in `user.username`.
   */
  logins: string[];
  /** Voter rows without either (a deleted user, an Elekto row without a login). */
  withoutLogin: number;
  /**
   * Ballots whose account no longer holds the login they were cast under (renamed at
   * GitHub). `account` is its login now, or null when Scrutin has not seen it since
   * another account signed in with the old login.
   */
  renamed: Array<{ login: string; account: string | null }>;
}

export interface DailyVotes {
  /** `YYYY-MM-DD` (UTC) → voter rows created that day, ascending by day. */
  days: Array<{ day: string; votes: number }>;
  /** Voter rows without a creation time. */
  undated: number;
}

const num = (v: number | string | bigint | null | undefined): number => Number(v ?? 0);

export class OfficerRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DbKind,
  ) {}

  /**
   * Records a decision on a request of this election, in one statement that also
   * checks the election: a request id of another election changes nothing and
   * answers false. Sets Elekto's `reviewed` flag too, so Elekto shows it reviewed.
   */
  async decideRequest(input: DecideRequest): Promise<boolean> {
    const at = toDbTime(input.now);
    const result = await this.db
      .updateTable('request')
      .set({
        decision: input.decision,
        decision_note: input.note,
        decided_by: input.decidedBy,
        decided_at: at,
        updated_at: at,
        // A SQL literal: better-sqlite3 cannot bind a JS boolean; all three engines read TRUE.
        reviewed: sql<boolean>`true`,
      })
      .where('id', '=', input.requestId)
      .where('election_id', '=', input.electionId)
      .executeTakeFirst();
    return num(result.numUpdatedRows) > 0;
  }

  /** Who voted in an election, by login. Reads voter rows only: nothing here leads to a ballot. */
  async votedLogins(electionId: number): Promise<VotedLogins> {
    const rows = await this.db
      .selectFrom('voter')
      .leftJoin('user', 'user.id', 'voter.user_id')
      .select(['voter.login', 'user.username'])
      .where('voter.election_id', '=', electionId)
      .execute();
    const logins: string[] = [];
    const renamed: VotedLogins['renamed'] = [];
    let withoutLogin = 0;
    for (const r of rows) {
      const username = r.username === null || r.username === '' ? null : r.username;
      const login = r.login ?? username;
      if (login === null) {
        withoutLogin++;
        continue;
      }
      logins.push(login);
      if (r.login !== null && (username === null || normalizeLogin(username) !== r.login)) {
        renamed.push({ login: r.login, account: username === null || username.includes(RELEASED_MARK) ? null : username });
      }
    }
    renamed.sort((a, b) => a.login.localeCompare(b.login));
    return { logins, withoutLogin, renamed };
  }

  /**
   * Voter rows per UTC day of `voter.created_at`. Each engine stores the column its own
   * way (text on SQLite, TIMESTAMP on PostgreSQL, DATETIME on MySQL), all holding UTC,
   * so the day is cut out of the stored value without any time-zone conversion.
   */
  async votesPerDay(electionId: number): Promise<DailyVotes> {
    const created = sql.ref('created_at');
    const day =
      this.kind === 'postgresql'
        ? sql<string>`to_char(${created}, 'YYYY-MM-DD')`
        : this.kind === 'mysql'
          ? sql<string>`date_format(${created}, '%Y-%m-%d')`
          : sql<string>`substr(${created}, 1, 10)`;
    const rows = await this.db
      .selectFrom('voter')
      .select([day.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('election_id', '=', electionId)
      .where('created_at', 'is not', null)
      .groupBy(day)
      .orderBy(day)
      .execute();
    const undated = await this.db
      .selectFrom('voter')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('election_id', '=', electionId)
      .where('created_at', 'is', null)
      .executeTakeFirst();
    return { days: rows.map((r) => ({ day: r.day, votes: num(r.n) })), undated: num(undated?.n) };
  }
}
