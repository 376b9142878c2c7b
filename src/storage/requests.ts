// Exception requests (SPEC §5): one per user per election, guaranteed by the unique
// (election_id, user_id) constraint rather than by a check, so two simultaneous
// submissions store exactly one. Elekto's columns plus Scrutin's decision columns.
import { sql, type Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import { isUniqueViolation } from './errors.js';
import { insertReturningId } from './insert.js';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';
import type { ExceptionRequest } from '../core/records.js';
import { prepared } from './prepared.js';

export interface NewRequest {
  userId: number;
  electionId: number;
  name: string;
  email: string;
  chat: string;
  description: string;
  comments: string;
  now: Date;
}

export type CreateOutcome =
  { ok: true; request: ExceptionRequest } | { ok: false; reason: 'already-requested'; existing: ExceptionRequest | null };

interface Row {
  id: number;
  user_id: number | null;
  election_id: number | null;
  username: string | null;
  name: string | null;
  email: string | null;
  chat: string | null;
  description: string | null;
  comments: string | null;
  reviewed: boolean | number | null;
  created_at: Date | string | null;
  decision: string | null;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
}

function toRequest(r: Row): ExceptionRequest {
  return {
    id: r.id,
    userId: r.user_id ?? 0,
    electionId: r.election_id ?? 0,
    login: r.username ?? '',
    name: r.name ?? '',
    email: r.email ?? '',
    chat: r.chat ?? '',
    description: r.description ?? '',
    comments: r.comments ?? '',
    reviewed: r.reviewed === true || r.reviewed === 1,
    createdAt: fromDbTime(r.created_at),
    decision: r.decision === 'approved' || r.decision === 'denied' ? r.decision : null,
    decisionNote: r.decision_note,
    decidedBy: r.decided_by,
    decidedAt: fromDbTime(r.decided_at),
  };
}

export class RequestRepo {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly kind: DbKind,
    /** Lookups by election key read this community's elections only. */
    protected readonly community = '',
  ) {}

  protected select() {
    return this.db
      .selectFrom('request')
      .leftJoin('user', 'user.id', 'request.user_id')
      .select([
        'request.id',
        'request.user_id',
        'request.election_id',
        'user.username',
        'request.name',
        'request.email',
        'request.chat',
        'request.description',
        'request.comments',
        'request.reviewed',
        'request.created_at',
        'request.decision',
        'request.decision_note',
        'request.decided_by',
        'request.decided_at',
      ]);
  }

  /** Stores a request; a second one by the same user for the same election is refused. */
  async create(input: NewRequest): Promise<CreateOutcome> {
    const at = toDbTime(input.now);
    try {
      const id = await insertReturningId(
        this.kind,
        this.db.insertInto('request').values({
          user_id: input.userId,
          election_id: input.electionId,
          name: input.name,
          email: input.email,
          chat: input.chat,
          description: input.description,
          comments: input.comments,
          // A SQL literal: better-sqlite3 cannot bind a JS boolean; all three engines read FALSE.
          reviewed: sql<boolean>`false`,
          created_at: at,
          updated_at: at,
        }),
      );
      const request = await this.findById(id);
      if (request === null) throw new Error('the new exception request could not be read back');
      return { ok: true, request };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { ok: false, reason: 'already-requested', existing: await this.findByUserAndElection(input.userId, input.electionId) };
    }
  }

  async findById(id: number): Promise<ExceptionRequest | null> {
    const row = await this.select().where('request.id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRequest(row);
  }

  async findByUserAndElection(userId: number, electionId: number): Promise<ExceptionRequest | null> {
    const row = await this.select().where('request.user_id', '=', userId).where('request.election_id', '=', electionId).executeTakeFirst();
    return row === undefined ? null : toRequest(row);
  }

  /** The user's request for the election with this key (one query, for every election page). */
  readonly #byUserAndKey = prepared(([userId, electionKey]: [number, string]) =>
    this.select()
      .innerJoin('election', 'election.id', 'request.election_id')
      .where('request.user_id', '=', userId)
      .where('election.key', '=', electionKey)
      .where('election.community', '=', this.community),
  );

  async findByUserAndElectionKey(userId: number, electionKey: string): Promise<ExceptionRequest | null> {
    const [row] = await this.#byUserAndKey(this.db, [userId, electionKey]);
    return row === undefined ? null : toRequest(row);
  }

  readonly #byUser = prepared(([userId]: [number]) =>
    this.select()
      .innerJoin('election', 'election.id', 'request.election_id')
      .select('election.key as election_key')
      .where('request.user_id', '=', userId)
      .where('election.community', '=', this.community),
  );

  /** The user's requests, by election key: the dashboard shows each one's decision. */
  async listByUser(userId: number): Promise<Map<string, ExceptionRequest>> {
    const rows = await this.#byUser(this.db, [userId]);
    return new Map(rows.map((r) => [r.election_key, toRequest(r)]));
  }

  /** Every request of one election, oldest first. */
  async listByElection(electionId: number): Promise<ExceptionRequest[]> {
    const rows = await this.select()
      .where('request.election_id', '=', electionId)
      .orderBy('request.created_at')
      .orderBy('request.id')
      .execute();
    return rows.map(toRequest);
  }
}
