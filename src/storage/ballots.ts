// Ballots and voter records. Filled in by the ballot-integrity work (issue 6):
// casting (voter row + ballot rows in one transaction), viewing, revoking, erasing
// links, and the consistency check.
import type { Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import type { Database } from './schema.js';

export class BallotRepo {
  constructor(protected readonly db: Kysely<Database>, protected readonly kind: DbKind) {}
}
