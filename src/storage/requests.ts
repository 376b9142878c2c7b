// Exception requests (SPEC §5). Filled in by the voter-path and officer work.
import type { Kysely } from 'kysely';
import type { DbKind } from '../config.js';
import type { Database } from './schema.js';

export class RequestRepo {
  constructor(protected readonly db: Kysely<Database>, protected readonly kind: DbKind) {}
}
