// Ballots and voter records, in Elekto's tables. A `voter` row says that a user voted
// in an election (and, only when they chose a passphrase, holds the sealed link); the
// `ballot` rows hold the ranks, one per candidate, sharing a random voter identifier.
// Nothing here stores anything that orders ballot rows or joins them to voter rows:
// ballot ids are random, and on SQLite the hidden rowid is random too (see
// docs/ballot-secrecy.md, "Residual linkability"). Every write runs inside the
// caller's transaction (Store.transaction); this file never opens one itself.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { NO_OPINION_RANK } from '../core/ballot/rank.js';
import { normalizeLogin } from '../core/meta/types.js';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';
import { prepared } from './prepared.js';

/** A `voter` row as stored; link columns are raw, since Elekto-era rows may hold anything. */
export interface VoterRecord {
  id: number;
  userId: number | null;
  electionId: number | null;
  createdAt: Date | null;
  salt: Uint8Array | null;
  sealed: Uint8Array | null;
  kdf: string | null;
}

/** The three columns of a sealed link, as sealVoterId produces them. */
export interface LinkColumns {
  salt: Uint8Array;
  sealed: Uint8Array;
  kdf: string;
}

export interface NewBallot {
  userId: number;
  electionId: number;
  /** The login eligibility was checked against; stored normalised, unique per election. */
  login: string;
  /** voter.created_at / updated_at: when the user voted (turnout), never stored on ballot rows. */
  at: Date;
  /** The random identifier shared by the ballot rows (Elekto's uuid4 format). */
  voterId: string;
  /** Present only when the voter chose a passphrase; otherwise salt, ballot_id and kdf stay NULL. */
  link: LinkColumns | null;
  rows: readonly { candidate: string; rank: number }[];
  /** The ballot's receipt code (`ballot_receipts`), written on its rows only; null without. */
  receipt?: string | null;
}

/** One stored row of a ballot. A NULL rank (never written by Scrutin or Elekto) reads as no opinion. */
export interface StoredRow {
  candidate: string;
  rank: number;
}

export interface StoredBallot {
  /** The ballot's random voter identifier. */
  voter: string;
  /** Ordered by candidate id. */
  rows: StoredRow[];
  /** The ballot's receipt code, or null (cast without receipts, or by Elekto). */
  receipt: string | null;
}

export interface ElectionCounts {
  /** voter rows: people who voted. */
  voters: number;
  /** Distinct ballot identifiers. */
  ballots: number;
}

export interface VoterListing {
  userId: number | null;
  login: string | null;
  name: string | null;
  votedAt: Date | null;
}

/** What the consistency check needs about one voter row (no link bytes). */
export interface VoterShape {
  id: number;
  userId: number | null;
  saltBytes: number | null;
  sealedBytes: number | null;
  kdf: string | null;
}

/** What the consistency check needs about one ballot identifier. */
export interface BallotShape {
  voter: string;
  rows: number;
  distinctCandidates: number;
  /** Rows whose rank is NULL, or neither 1..distinct candidates of the election nor no-opinion. */
  badRanks: number;
}

interface VoterRow {
  id: number;
  user_id: number | null;
  election_id: number | null;
  created_at: Date | string | null;
  salt: Buffer | Uint8Array | null;
  ballot_id: Buffer | Uint8Array | null;
  kdf: string | null;
}

function toVoterRecord(r: VoterRow): VoterRecord {
  return {
    id: r.id,
    userId: r.user_id,
    electionId: r.election_id,
    createdAt: fromDbTime(r.created_at),
    salt: r.salt === null ? null : Uint8Array.from(r.salt),
    sealed: r.ballot_id === null ? null : Uint8Array.from(r.ballot_id),
    kdf: r.kdf,
  };
}

/** 32 random hex characters: Elekto's ballot id format, and no order. */
export function newBallotRowId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A random positive 63-bit SQLite rowid. Left to itself SQLite gives max(rowid) + 1,
 * which numbers ballot rows in casting order, the same order as voter.id: a join.
 */
function randomRowid(): bigint {
  return (randomBytes(8).readBigUInt64BE() >> 1n) | 1n;
}

const num = (v: number | string | bigint | null | undefined): number => Number(v ?? 0);

export class BallotRepo {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly kind: DbKind,
    /** Lookups by election key read this community's elections only. */
    protected readonly community = '',
  ) {}

  /**
   * Writes the voter row and the ballot rows. Call inside a transaction: the unique
   * indexes on voter(election_id, user_id) and voter(election_id, login) make a second
   * cast by the same user, or under the same login by another account, fail with a
   * unique violation, which rolls the whole cast back.
   */
  async cast(ballot: NewBallot): Promise<void> {
    if (ballot.rows.length === 0) throw new Error('a ballot needs at least one row');
    const at = toDbTime(ballot.at);
    await this.db
      .insertInto('voter')
      .values({
        user_id: ballot.userId,
        election_id: ballot.electionId,
        login: normalizeLogin(ballot.login),
        created_at: at,
        updated_at: at,
        salt: ballot.link === null ? null : Buffer.from(ballot.link.salt),
        ballot_id: ballot.link === null ? null : Buffer.from(ballot.link.sealed),
        kdf: ballot.link === null ? null : ballot.link.kdf,
      })
      .execute();
    await this.insertRows(ballot.electionId, ballot.voterId, ballot.rows, ballot.receipt ?? null);
  }

  private async insertRows(
    electionId: number,
    voterId: string,
    rows: readonly { candidate: string; rank: number }[],
    receipt: string | null,
  ): Promise<void> {
    const values = rows.map((r) => ({
      id: newBallotRowId(),
      election_id: electionId,
      rank: r.rank,
      candidate: r.candidate,
      voter: voterId,
      // Only written when there is one: a database not yet migrated to 0006 still takes ballots without receipts.
      ...(receipt === null ? {} : { receipt }),
    }));
    if (this.kind === 'sqlite') {
      await this.db
        .withTables<{ ballot: { rowid: bigint } }>()
        .insertInto('ballot')
        .values(values.map((v) => ({ ...v, rowid: randomRowid() })))
        .execute();
      return;
    }
    await this.db.insertInto('ballot').values(values).execute();
  }

  /** The voter row of (user, election), or null when the user has not voted. */
  readonly #voter = prepared(([userId, electionId]: [number, number]) =>
    this.db
      .selectFrom('voter')
      .select(['id', 'user_id', 'election_id', 'created_at', 'salt', 'ballot_id', 'kdf'])
      .where('user_id', '=', userId)
      .where('election_id', '=', electionId)
      .orderBy('id'),
  );

  async findVoter(userId: number, electionId: number): Promise<VoterRecord | null> {
    const [row] = await this.#voter(this.db, [userId, electionId]);
    return row === undefined ? null : toVoterRecord(row);
  }

  readonly #voterByLogin = prepared(([electionId, login]: [number, string]) =>
    this.db.selectFrom('voter').select(['id', 'user_id']).where('election_id', '=', electionId).where('login', '=', login),
  );

  readonly #unrecordedVoterByLogin = prepared(([electionId, login]: [number, string]) =>
    this.db
      .selectFrom('voter')
      .innerJoin('user', 'user.id', 'voter.user_id')
      .select(['voter.id', 'voter.user_id'])
      .where('voter.election_id', '=', electionId)
      .where('voter.login', 'is', null)
      .where(sql`lower(${sql.ref('user.username')})`, '=', login)
      .orderBy('voter.id'),
  );

  /**
   * Which user cast a ballot under this login in this election, if any: the row that
   * records the login (unique), else a row that records none (cast by Elekto, before or
   * after a rollback, or a second account of a login found by migration 0004) whose user
   * holds the login now. Only the first is enforced by the unique index; the second is
   * the best that rows without a login allow, and reads only the election's such rows.
   */
  async findVoterByLogin(electionId: number, login: string): Promise<{ id: number; userId: number | null } | null> {
    const key = normalizeLogin(login);
    const [row] = await this.#voterByLogin(this.db, [electionId, key]);
    if (row !== undefined) return { id: row.id, userId: row.user_id };
    const [unrecorded] = await this.#unrecordedVoterByLogin(this.db, [electionId, key]);
    return unrecorded === undefined ? null : { id: unrecorded.id, userId: unrecorded.user_id };
  }

  /**
   * Locks a voter row until the caller's transaction ends, so that passphrase attempts
   * of one voter are counted one at a time across replicas. SQLite has no row locks:
   * its writers are serialized, and a transaction that read before another wrote fails
   * with SQLITE_BUSY and is run again (Store.transaction with `attempts`).
   */
  async lockVoter(voterRowId: number): Promise<boolean> {
    const q = this.db.selectFrom('voter').select('id').where('id', '=', voterRowId);
    const row = await (this.kind === 'sqlite' ? q : q.forUpdate()).executeTakeFirst();
    return row !== undefined;
  }

  /** The rows of one ballot, by candidate id. */
  async rowsOf(electionId: number, voterId: string): Promise<StoredRow[]> {
    const rows = await this.db
      .selectFrom('ballot')
      .select(['candidate', 'rank'])
      .where('election_id', '=', electionId)
      .where('voter', '=', voterId)
      .orderBy('candidate')
      .execute();
    return rows.map((r) => ({ candidate: r.candidate, rank: r.rank ?? NO_OPINION_RANK }));
  }

  /** The receipt code on a ballot's rows, or null when it has none. */
  async receiptOf(electionId: number, voterId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('ballot')
      .select('receipt')
      .where('election_id', '=', electionId)
      .where('voter', '=', voterId)
      .where('receipt', 'is not', null)
      .executeTakeFirst();
    return row?.receipt ?? null;
  }

  /**
   * Deletes a ballot (by its voter identifier) and the voter row, so the user may vote
   * again. Call inside a transaction; the counts let the caller see a revoke that lost
   * a race (0 voter rows: someone else already revoked it).
   */
  async deleteBallot(electionId: number, voterId: string, voterRowId: number): Promise<{ ballotRows: number; voterRows: number }> {
    const ballots = await this.db
      .deleteFrom('ballot')
      .where('election_id', '=', electionId)
      .where('voter', '=', voterId)
      .executeTakeFirst();
    const voters = await this.db.deleteFrom('voter').where('id', '=', voterRowId).where('election_id', '=', electionId).executeTakeFirst();
    return { ballotRows: num(ballots.numDeletedRows), voterRows: num(voters.numDeletedRows) };
  }

  /** Erases every sealed link of an election (delete_after); returns how many rows held one. */
  async eraseLinks(electionId: number): Promise<number> {
    const result = await this.db
      .updateTable('voter')
      .set({ salt: null, ballot_id: null, kdf: null })
      .where('election_id', '=', electionId)
      .where((eb) => eb.or([eb('salt', 'is not', null), eb('ballot_id', 'is not', null), eb('kdf', 'is not', null)]))
      .executeTakeFirst();
    return num(result.numUpdatedRows);
  }

  /**
   * Writes an election's ballot rows again, in a random order, with new row ids, in the
   * caller's transaction, keeping each ballot's voter identifier. Whatever the engine
   * kept about when each row was written goes with the old rows: PostgreSQL's xmin
   * (which a voter row shares with the ballot rows of its transaction), the heap order
   * of the rows (pg_dump's order), SQLite's page placement. Returns the number of rows.
   */
  async rewriteRows(electionId: number): Promise<number> {
    const rows = await this.db
      .selectFrom('ballot')
      .select(['rank', 'candidate', 'voter', 'receipt'])
      .where('election_id', '=', electionId)
      .execute();
    if (rows.length === 0) return 0;
    // Fisher–Yates with crypto randomness: the new order must not echo the old one.
    const order = rows.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = randomBytes(4).readUInt32BE() % (i + 1);
      const a = order[i];
      const b = order[j];
      if (a !== undefined && b !== undefined) {
        order[i] = b;
        order[j] = a;
      }
    }
    await this.db.deleteFrom('ballot').where('election_id', '=', electionId).execute();
    const CHUNK = 500;
    for (let i = 0; i < order.length; i += CHUNK) {
      const chunk = order.slice(i, i + CHUNK).map((r) => ({
        id: newBallotRowId(),
        election_id: electionId,
        rank: r.rank,
        candidate: r.candidate,
        voter: r.voter,
        ...(r.receipt === null ? {} : { receipt: r.receipt }),
      }));
      if (this.kind === 'sqlite') {
        await this.db
          .withTables<{ ballot: { rowid: bigint } }>()
          .insertInto('ballot')
          .values(chunk.map((v) => ({ ...v, rowid: randomRowid() })))
          .execute();
      } else {
        await this.db.insertInto('ballot').values(chunk).execute();
      }
    }
    return order.length;
  }

  /**
   * Every ballot of an election, grouped by voter identifier, in identifier order (which
   * is random, not casting order). Reads a page of identifiers at a time, each ballot
   * whole in one query, so memory stays flat for any turnout. Not a snapshot: call it
   * once voting is over (results, export, `scrutin tally --election`) or in a transaction.
   */
  async *ballotsOf(electionId: number, pageSize = 500): AsyncGenerator<StoredBallot> {
    let after: string | null = null;
    for (;;) {
      let page = this.db.selectFrom('ballot').select('voter').distinct().where('election_id', '=', electionId);
      if (after !== null) page = page.where('voter', '>', after);
      const voters = (await page.orderBy('voter').limit(pageSize).execute()).map((r) => r.voter);
      const last = voters.at(-1);
      if (last === undefined) return;
      const rows = await this.db
        .selectFrom('ballot')
        .select(['voter', 'candidate', 'rank', 'receipt'])
        .where('election_id', '=', electionId)
        .where('voter', 'in', voters)
        .orderBy('voter')
        .orderBy('candidate')
        .execute();
      let current: StoredBallot | null = null;
      for (const r of rows) {
        if (current === null || current.voter !== r.voter) {
          if (current !== null) yield current;
          current = { voter: r.voter, rows: [], receipt: null };
        }
        current.receipt ??= r.receipt;
        current.rows.push({ candidate: r.candidate, rank: r.rank ?? NO_OPINION_RANK });
      }
      if (current !== null) yield current;
      if (voters.length < pageSize) return;
      after = last;
    }
  }

  /** Ids of the elections this user has voted in. */
  async votedElectionIds(userId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('voter').select('election_id').distinct().where('user_id', '=', userId).execute();
    return rows.flatMap((r) => (r.election_id === null ? [] : [r.election_id]));
  }

  /** Keys of the elections this user has voted in (dashboard). */
  readonly #votedKeys = prepared(([userId]: [number]) =>
    this.db
      .selectFrom('voter')
      .innerJoin('election', 'election.id', 'voter.election_id')
      .select('election.key')
      .distinct()
      .where('voter.user_id', '=', userId)
      .where('election.community', '=', this.community),
  );

  async votedKeys(userId: number): Promise<Set<string>> {
    const rows = await this.#votedKeys(this.db, [userId]);
    return new Set(rows.map((r) => r.key));
  }

  /** Voters and ballots of one election. */
  async countsOf(electionId: number): Promise<ElectionCounts> {
    const voters = await this.db
      .selectFrom('voter')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('election_id', '=', electionId)
      .executeTakeFirst();
    const ballots = await this.db
      .selectFrom('ballot')
      .select((eb) => eb.fn.count<number | string>('voter').distinct().as('n'))
      .where('election_id', '=', electionId)
      .executeTakeFirst();
    return { voters: num(voters?.n), ballots: num(ballots?.n) };
  }

  /** Voters and ballots per election id, for every election that has either. */
  async countsByElection(): Promise<Map<number, ElectionCounts>> {
    const out = new Map<number, ElectionCounts>();
    const at = (id: number) => {
      let c = out.get(id);
      if (c === undefined) {
        c = { voters: 0, ballots: 0 };
        out.set(id, c);
      }
      return c;
    };
    const voters = await this.db
      .selectFrom('voter')
      .select(['election_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('election_id', 'is not', null)
      .groupBy('election_id')
      .execute();
    for (const r of voters) if (r.election_id !== null) at(r.election_id).voters = num(r.n);
    const ballots = await this.db
      .selectFrom('ballot')
      .select(['election_id', (eb) => eb.fn.count<number | string>('voter').distinct().as('n')])
      .where('election_id', 'is not', null)
      .groupBy('election_id')
      .execute();
    for (const r of ballots) if (r.election_id !== null) at(r.election_id).ballots = num(r.n);
    return out;
  }

  /**
   * Who voted and when (turnout, the officers' list), by login. Never joined to ballot
   * rows: nothing in these rows leads to one.
   */
  async votersOf(electionId: number): Promise<VoterListing[]> {
    const rows = await this.db
      .selectFrom('voter')
      .leftJoin('user', 'user.id', 'voter.user_id')
      .select(['voter.user_id', 'user.username', 'user.name', 'voter.created_at'])
      .where('voter.election_id', '=', electionId)
      .orderBy('user.username')
      .execute();
    return rows.map((r) => ({ userId: r.user_id, login: r.username, name: r.name, votedAt: fromDbTime(r.created_at) }));
  }

  // --- Consistency check queries (src/app/checkConsistency.ts) ---

  /** Every voter row of an election with the sizes of its link columns. */
  async voterShapes(electionId: number): Promise<VoterShape[]> {
    const rows = await this.db
      .selectFrom('voter')
      .select([
        'id',
        'user_id',
        'kdf',
        sql<number | string | null>`length(salt)`.as('salt_bytes'),
        sql<number | string | null>`length(ballot_id)`.as('sealed_bytes'),
      ])
      .where('election_id', '=', electionId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      kdf: r.kdf,
      saltBytes: r.salt_bytes === null ? null : num(r.salt_bytes),
      sealedBytes: r.sealed_bytes === null ? null : num(r.sealed_bytes),
    }));
  }

  /** The distinct candidates the ballot rows of an election name. */
  async candidatesIn(electionId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('ballot')
      .select('candidate')
      .distinct()
      .where('election_id', '=', electionId)
      .orderBy('candidate')
      .execute();
    return rows.map((r) => r.candidate);
  }

  /**
   * Per ballot identifier of an election: how many rows, how many distinct candidates,
   * and how many ranks are out of range for `candidateCount` candidates.
   */
  async ballotShapes(electionId: number, candidateCount: number): Promise<BallotShape[]> {
    const rank = sql.ref('rank');
    const rows = await this.db
      .selectFrom('ballot')
      .select([
        'voter',
        (eb) => eb.fn.countAll<number | string>().as('n'),
        (eb) => eb.fn.count<number | string>('candidate').distinct().as('d'),
        sql<
          number | string
        >`sum(case when ${rank} is null or (${rank} <> ${NO_OPINION_RANK} and (${rank} < 1 or ${rank} > ${candidateCount})) then 1 else 0 end)`.as(
          'bad',
        ),
      ])
      .where('election_id', '=', electionId)
      .groupBy('voter')
      .orderBy('voter')
      .execute();
    return rows.map((r) => ({ voter: r.voter, rows: num(r.n), distinctCandidates: num(r.d), badRanks: num(r.bad) }));
  }

  /** Rows that belong to no election: ballot rows and voter rows with a NULL election_id. */
  async strayRows(): Promise<{ ballots: number; voters: number }> {
    const b = await this.db
      .selectFrom('ballot')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('election_id', 'is', null)
      .executeTakeFirst();
    const v = await this.db
      .selectFrom('voter')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('election_id', 'is', null)
      .executeTakeFirst();
    return { ballots: num(b?.n), voters: num(v?.n) };
  }

  /** Ballot identifiers used in more than one election (each ballot belongs to one). */
  async identifiersInSeveralElections(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('ballot')
      .select('voter')
      .where('election_id', 'is not', null)
      .groupBy('voter')
      .having((eb) => eb.fn.count('election_id').distinct(), '>', 1)
      .orderBy('voter')
      .limit(100)
      .execute();
    return rows.map((r) => r.voter);
  }
}
