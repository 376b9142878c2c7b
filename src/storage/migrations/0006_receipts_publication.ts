// Migration 6: ballot receipts and published results (issue 15).
//
// ballot.receipt: the receipt code of the ballot (`ballot_receipts: true`), the same on
// every row of one ballot. It lives on the anonymous ballot rows and never on the voter
// row, so the code cannot be joined to who cast it. Nullable: Elekto inserts ballot rows
// without it, and ballots cast without receipts keep NULL.
//
// scrutin_publication: one row per election whose officers published the computed
// result. It keeps the exact anonymous ballots CSV that was published and its SHA-256,
// so the file everyone downloads (and the hash recorded in the audit trail) never
// changes afterwards. A new table: Elekto never reads it.
import type { Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { exec, tableColumns, types, type AnyDb } from './util.js';

export function receiptsAndPublication(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const t = types(kind);
      const q = t.quote;
      const columns = await tableColumns(db);
      if (!(columns.get('ballot')?.has('receipt') ?? false)) await exec(db, `ALTER TABLE ${q('ballot')} ADD COLUMN receipt VARCHAR(40)`);
      if (!columns.has('scrutin_publication')) {
        // MySQL's TEXT stops at 64 KiB; a large election's CSV needs more.
        const text = kind === 'mysql' ? 'LONGTEXT' : 'TEXT';
        await exec(
          db,
          `CREATE TABLE ${q('scrutin_publication')} (election_id INTEGER NOT NULL, published_at ${t.timestamp} NOT NULL, published_by VARCHAR(255) NOT NULL, ballots INTEGER NOT NULL, ballots_csv ${text} NOT NULL, ballots_sha256 CHAR(64) NOT NULL, PRIMARY KEY (election_id))${t.tableSuffix}`,
        );
      }
    },
  };
}
