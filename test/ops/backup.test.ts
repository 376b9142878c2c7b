// `scrutin backup`: a SQLite copy taken while another process writes is one
// consistent snapshot and restores to a working database; for PostgreSQL and
// MariaDB the printed dump command really dumps, and the dump restores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { dumpCommand } from '../../src/commands/backup.js';
import { parseConfig } from '../../src/config.js';
import { startService } from '../../src/main.js';
import { Store } from '../../src/storage/store.js';
import { toDbTime } from '../../src/storage/time.js';
import { run } from '../../src/cli.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { dialects, freshDatabase, freshStore } from '../helpers/db.js';

const PREFILL = 20_000;

async function count(store: Store, table: 'user' | 'election'): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** The CLI in this process (no child start-up): for the quick refusals. */
async function cli(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (t) => {
      stdout += `${t}\n`;
    },
    err: (t) => {
      stderr += `${t}\n`;
    },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/** Users and elections in equal numbers, so a torn snapshot would show unequal counts. */
async function prefill(store: Store, n: number): Promise<void> {
  const at = toDbTime(new Date());
  for (let start = 0; start < n; start += 500) {
    const ids = Array.from({ length: Math.min(500, n - start) }, (_, i) => start + i);
    await store.transaction(async (tx) => {
      await tx.db
        .insertInto('user')
        .values(ids.map((i) => ({ username: `prefill-${i}`, name: `Prefill ${i}`, created_at: at, updated_at: at })))
        .execute();
      await tx.db
        .insertInto('election')
        .values(ids.map((i) => ({ key: `prefill-${i}`, name: `Prefill ${i}`, created_at: at, updated_at: at })))
        .execute();
    });
  }
}

describe('scrutin backup (SQLite)', { timeout: 180_000 }, () => {
  it('copies a consistent snapshot while another process writes, and the copy restores', async () => {
    const { store, database, cleanup } = await freshStore('sqlite');
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-backup-'));
    try {
      await prefill(store, PREFILL);
      const before = await count(store, 'user');
      const target = join(dir, 'backup.db');

      // The backup runs in its own process, exactly as an operator's cron job would,
      // while this process keeps writing: each write is one user and one election in
      // one transaction.
      const child = runCli(['backup', target], { DATABASE_URL: database.url });
      const state = { finished: false };
      void child.finally(() => {
        state.finished = true;
      });
      let writes = 0;
      while (!state.finished) {
        const i = writes++;
        await store.transaction(async (tx) => {
          await tx.users.recordSignIn({ login: `live-${i}`, name: null, githubId: null, now: new Date() });
          await tx.elections.ensure(`live-${i}`, `Live ${i}`, new Date());
        });
        await new Promise((r) => setImmediate(r));
      }
      const result = await child;
      const after = await count(store, 'user');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /integrity ok, Elekto schema 2/);
      assert.ok(writes > 10, `writes went on during the backup (${writes})`);
      assert.ok(after - before === writes);

      // The copy stands alone and passes SQLite's own check.
      assert.ok(existsSync(target));
      assert.ok(!existsSync(`${target}-wal`), 'no -wal file is needed');
      const raw = new SqliteDatabase(target, { readonly: true });
      try {
        assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'delete');
      } finally {
        raw.close();
      }

      const copy = Store.open({ kind: 'sqlite', path: target });
      try {
        assert.deepEqual(await copy.pendingMigrations(), [], 'the migrated schema is all there');
        const v = await sql<{ v: number }>`select max(version) as v from schema_version`.execute(copy.db);
        assert.equal(Number(v.rows[0]?.v), 2);
        const users = await count(copy, 'user');
        const elections = await count(copy, 'election');
        assert.equal(users, elections, 'each write transaction is wholly in the copy or wholly not');
        assert.ok(users >= before && users <= after, `the copy holds ${users} users: between ${before} and ${after}`);
        assert.ok(result.stdout.includes(`user ${users}`), "the summary reports the copy's rows");
      } finally {
        await copy.close();
      }

      // Restore: the copy becomes the database of a fresh install.
      const restored = join(dir, 'restored', 'scrutin.db');
      mkdirSync(join(dir, 'restored'));
      copyFileSync(target, restored);
      const check = await runCli(['migrate', '--check'], { DATABASE_URL: `sqlite:${restored}` });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /up to date/);
      const service = await startService(
        parseConfig({ APP_ENV: 'development', DATABASE_URL: `sqlite:${restored}`, LOG_LEVEL: 'silent' }, repoRoot),
        { listen: false },
      );
      try {
        const health = await service.app.inject({ method: 'GET', url: '/health' });
        assert.equal(health.statusCode, 200);
        assert.equal(await count(service.ctx.store, 'user'), await count(service.ctx.store, 'election'));
      } finally {
        await service.stop();
      }
    } finally {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot do, in one clear line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-backup-'));
    try {
      const missing = await cli(['backup', join(dir, 'b.db')], { DATABASE_URL: `sqlite:${join(dir, 'nothing.db')}` }, dir);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no SQLite database at .*nothing\.db/);
      assert.ok(!existsSync(join(dir, 'nothing.db')), 'a backup never creates the source');

      const memory = await cli(['backup', join(dir, 'b.db')], { DB_PATH: ':memory:' }, dir);
      assert.match(memory.stderr, /:memory:/);

      const noFile = await cli(['backup'], { DB_PATH: join(dir, 'x.db') }, dir);
      assert.equal(noFile.code, 2);
      assert.match(noFile.stderr, /name one backup file/);

      const { store, database, cleanup } = await freshStore('sqlite');
      await store.close();
      try {
        const target = join(dir, 'b.db');
        assert.equal((await cli(['backup', target], { DATABASE_URL: database.url }, dir)).code, 0);
        const again = await cli(['backup', target], { DATABASE_URL: database.url }, dir);
        assert.equal(again.code, 1);
        assert.match(again.stderr, /exists; choose a new name or pass --force/);
        assert.equal((await cli(['backup', '--force', target], { DATABASE_URL: database.url }, dir)).code, 0);
        const nowhere = await cli(['backup', join(dir, 'no', 'such', 'b.db')], { DATABASE_URL: database.url }, dir);
        assert.match(nowhere.stderr, /does not exist/);
      } finally {
        await cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the dump command for a server database and exits 2, never showing the password', async () => {
    const pg = await cli(
      ['backup', '/backups/scrutin.dump'],
      { DATABASE_URL: 'postgresql://scrutin:Sup3r-s3cret@db.internal:6432/elections' },
      tmpdir(),
    );
    assert.equal(pg.code, 2);
    assert.equal(
      pg.stdout.trim(),
      'pg_dump --host=db.internal --port=6432 --username=scrutin --format=custom --file=/backups/scrutin.dump elections',
    );
    assert.match(pg.stderr, /copies SQLite databases only/);
    const my = await cli(
      ['backup', 'my dump.sql'],
      { DB_CONNECTION: 'mysql', DB_HOST: 'db', DB_DATABASE: 'elekto', DB_USERNAME: 'elekto', DB_PASSWORD: 'Sup3r-s3cret' },
      tmpdir(),
    );
    assert.equal(my.code, 2);
    assert.equal(
      my.stdout.trim(),
      `mariadb-dump --host=db --port=3306 --user=elekto --single-transaction --default-character-set=utf8mb4 --result-file='${join(tmpdir(), 'my dump.sql')}' elekto`,
    );
    for (const out of [pg, my]) assert.ok(!(out.stdout + out.stderr).includes('Sup3r-s3cret'));
  });
});

/** Runs a printed command through the shell, as the operator would paste it. */
function shell(command: string, env: NodeJS.ProcessEnv): { code: number | null; output: string } {
  const r = spawnSync('sh', ['-c', command], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

for (const kind of dialects().filter((k) => k !== 'sqlite')) {
  describe(`backup and restore on ${kind}`, { timeout: 120_000 }, () => {
    const tool = kind === 'postgresql' ? 'pg_dump' : 'mariadb-dump';
    const available = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
    it(`the printed ${tool} command dumps a database that restores`, { skip: available ? false : `${tool} is not installed` }, async () => {
      const source = await freshStore(kind);
      const target = await freshDatabase(kind);
      const dir = mkdtempSync(join(tmpdir(), 'scrutin-dump-'));
      try {
        await prefill(source.store, 300);
        const cfg = source.database.config;
        assert.ok(cfg.kind !== 'sqlite');
        const file = join(dir, kind === 'postgresql' ? 'scrutin.dump' : 'scrutin.sql');
        const printed = await cli(['backup', file], { DATABASE_URL: source.database.url });
        assert.equal(printed.code, 2);
        assert.equal(printed.stdout.trim(), dumpCommand(cfg, file));
        const password = kind === 'postgresql' ? { PGPASSWORD: cfg.password } : { MYSQL_PWD: cfg.password };
        const dump = shell(printed.stdout.trim(), password);
        assert.equal(dump.code, 0, dump.output);

        // The restore commands of docs/operations.md, into an empty database.
        const t = target.config;
        assert.ok(t.kind !== 'sqlite');
        const restore =
          kind === 'postgresql'
            ? `pg_restore --host=${t.host} --port=${t.port} --username=${t.user} --dbname=${t.database} --no-owner --exit-on-error ${file}`
            : `mariadb --host=${t.host} --port=${t.port} --user=${t.user} ${t.database} < ${file}`;
        const restored = shell(restore, password);
        assert.equal(restored.code, 0, restored.output);
        const store = Store.open(t);
        try {
          assert.deepEqual(await store.pendingMigrations(), []);
          assert.equal(await count(store, 'user'), 300);
          assert.equal(await count(store, 'election'), 300);
        } finally {
          await store.close();
        }
      } finally {
        await source.cleanup();
        await target.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
