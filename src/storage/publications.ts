// Published results (issue 15): the anonymous ballots CSV the officers published for an
// election, exactly as published, with its SHA-256. One row per election; publishing
// again is refused by the primary key, so what everyone downloaded never changes.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { fromDbTime, toDbTime } from './time.js';

export interface Publication {
  electionId: number;
  publishedAt: Date;
  publishedBy: string;
  ballots: number;
  csv: string;
  sha256: string;
}

export class PublicationRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the publication. Call in a transaction; a second one for the election fails with a unique violation. */
  async insert(p: Publication): Promise<void> {
    await this.db
      .insertInto('scrutin_publication')
      .values({
        election_id: p.electionId,
        published_at: toDbTime(p.publishedAt),
        published_by: p.publishedBy,
        ballots: p.ballots,
        ballots_csv: p.csv,
        ballots_sha256: p.sha256,
      })
      .execute();
  }

  /** When and by whom, without the CSV (pages that only need to know). */
  async find(electionId: number): Promise<Omit<Publication, 'csv'> | null> {
    const row = await this.db
      .selectFrom('scrutin_publication')
      .select(['election_id', 'published_at', 'published_by', 'ballots', 'ballots_sha256'])
      .where('election_id', '=', electionId)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      electionId: row.election_id,
      publishedAt: fromDbTime(row.published_at) ?? new Date(0),
      publishedBy: row.published_by,
      ballots: row.ballots,
      sha256: row.ballots_sha256,
    };
  }

  /** The published CSV, exactly as published. */
  async csv(electionId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('scrutin_publication')
      .select('ballots_csv')
      .where('election_id', '=', electionId)
      .executeTakeFirst();
    return row?.ballots_csv ?? null;
  }
}
