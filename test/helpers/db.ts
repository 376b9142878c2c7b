// Fresh databases for tests. SQLite always; PostgreSQL and MariaDB when
// TEST_POSTGRES_URL / TEST_MYSQL_URL point at a server (each test gets a database
// of its own, dropped afterwards). CI sets REQUIRE_DB_DIALECTS=1 so a missing
// server fails the run instead of silently skipping those suites.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { parseConfig, type DbConfig, type DbKind } from '../../src/config.js';
import { Store } from '../../src/storage/store.js';

export interface TestDatabase {
  kind: DbKind;
  config: DbConfig;
  /** A DATABASE_URL (or sqlite: path) for child processes. */
  url: string;
  drop: () => Promise<void>;
}

const urls: Record<Exclude<DbKind, 'sqlite'>, string | undefined> = {
  postgresql: process.env.TEST_POSTGRES_URL,
  mysql: process.env.TEST_MYSQL_URL,
};

/** The engines to run database tests on in this environment. */
export function dialects(): DbKind[] {
  const required = process.env.REQUIRE_DB_DIALECTS === '1';
  const out: DbKind[] = ['sqlite'];
  for (const kind of ['postgresql', 'mysql'] as const) {
    if (urls[kind] !== undefined && urls[kind] !== '') out.push(kind);
    else if (required)
      throw new Error(`REQUIRE_DB_DIALECTS=1 but ${kind === 'postgresql' ? 'TEST_POSTGRES_URL' : 'TEST_MYSQL_URL'} is not set`);
  }
  return out;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshDatabase(kind: DbKind): Promise<TestDatabase> {
  const name = `scrutin_t_${randomBytes(6).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-db-'));
    const path = join(dir, 'test.db');
    return {
      kind,
      config: { kind, path },
      url: `sqlite:${path}`,
      drop: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const admin = urls[kind];
  if (admin === undefined) throw new Error(`no server configured for ${kind}`);
  if (kind === 'postgresql') {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  } else {
    const conn = await mysql.createConnection(admin);
    await conn.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await conn.end();
  }
  const url = withDatabase(admin, name);
  const config = parseConfig({ DATABASE_URL: url, APP_ENV: 'test' }, process.cwd()).db;
  return {
    kind,
    config,
    url,
    drop: async () => {
      if (kind === 'postgresql') {
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      } else {
        const conn = await mysql.createConnection(admin);
        await conn.query(`DROP DATABASE IF EXISTS ${name}`);
        await conn.end();
      }
    },
  };
}

/** A migrated Store on a fresh database, and a cleanup that closes and drops it. */
export async function freshStore(kind: DbKind): Promise<{ store: Store; database: TestDatabase; cleanup: () => Promise<void> }> {
  const database = await freshDatabase(kind);
  const store = Store.open(database.config);
  await store.migrate();
  return {
    store,
    database,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
}
