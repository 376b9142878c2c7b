// `scrutin sync`, `scrutin elections list` and `scrutin elections purge`, run in-process
// as the CLI runs them, against a local git repository and each database.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { renameSync } from 'node:fs';
import { command as electionsCommand } from '../../src/commands/elections.js';
import { command as syncCommand } from '../../src/commands/sync.js';
import { UserError, type Command } from '../../src/commands/types.js';
import { Store } from '../../src/storage/store.js';
import { dialects, freshDatabase } from '../helpers/db.js';
import { copyFixture, tempDir } from '../metarepo/fixture.js';
import { makeUpstream } from '../metarepo/gitRepo.js';

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function run(command: Command, args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { APP_ENV: 'test', ...env }, cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

for (const kind of dialects()) {
  describe(`scrutin sync and scrutin elections on ${kind}`, () => {
    test('sync prints what changed and every problem; list shows orphans; purge deletes only with --yes', async () => {
      const upstream = makeUpstream();
      const database = await freshDatabase(kind);
      const env = {
        DATABASE_URL: database.url,
        META_REPO: upstream.bare,
        META_PATH: join(upstream.root, 'meta'),
        META_BRANCH: 'main',
        ELECTION_DIR: 'elections',
      };
      const cwd = upstream.root;
      try {
        const first = await run(syncCommand, [], env, cwd);
        assert.equal(first.code, 0, first.err);
        const head = upstream.git('rev-parse', 'HEAD');
        assert.match(first.out, new RegExp(`Revision ${head} \\(none recorded before\\)`));
        assert.match(first.out, /3 elections in the repository/);
        assert.match(first.out, /Election table: 3 added, 0 renamed, 0 orphaned, 0 restored/);
        for (const key of ['2021---GB', '2021---TOC', 'name_the_app']) assert.match(first.out, new RegExp(`added +${key}`));
        // The fixture's completed delete_after elections.
        assert.match(first.out, /Erased the voter-ballot links of 2021---GB/);

        // Ballots in the election about to lose its folder.
        const store = Store.open(database.config);
        try {
          const row = await store.elections.findByKey('name_the_app');
          assert.ok(row !== null);
          for (const [login, ranks] of [
            ['v1', { elekto: 1, e6n: 2 }],
            ['v2', { notcivs: 1 }],
          ] as const) {
            const user = await store.users.recordSignIn({ login, name: null, githubId: null, now: new Date() });
            await store.transaction((tx) =>
              tx.ballots.cast({
                userId: user.id,
                login: user.login,
                electionId: row.id,
                at: new Date(),
                voterId: randomUUID(),
                link: null,
                rows: Object.entries(ranks).map(([candidate, rank]) => ({ candidate, rank })),
              }),
            );
          }
        } finally {
          await store.close();
        }

        upstream.write(
          'elections/2021/TOC/election.yaml',
          'name: 2021 Steering Committee Election\nstart_datetime: 2023-03-14 00:00:01\nend_datetime: [oops\n',
        );
        upstream.git('mv', 'elections/name_the_app', 'elections/naming');
        const second = upstream.commit('break TOC, rename name_the_app');
        upstream.push();
        const again = await run(syncCommand, [], env, cwd);
        assert.equal(again.code, 0, again.err);
        assert.match(again.out, new RegExp(`Revision ${second} \\(was ${head}\\)`));
        assert.match(again.out, /3 elections in the repository \(1 with errors/);
        assert.match(again.out, /Election table: 1 added, 0 renamed, 1 orphaned, 0 restored/);
        assert.match(again.out, /orphaned +name_the_app/);
        assert.match(again.out, /^meta\/elections\/2021\/TOC\/election\.yaml:\d+: invalid YAML/m, 'each problem as path:line: message');

        const listed = await run(electionsCommand, ['list'], env, cwd);
        assert.equal(listed.code, 0);
        const line = listed.out.split('\n').find((l) => l.startsWith('name_the_app '));
        assert.ok(line !== undefined, listed.out);
        assert.match(line, /^name_the_app +orphaned +2 +2 +0 +Select The Name of the Application$/);
        assert.match(listed.out, /^naming +present +0 +0 +0 /m);
        assert.match(listed.out, /4 elections, 1 orphaned/);
        const json = JSON.parse((await run(electionsCommand, ['list', '--format', 'json'], env, cwd)).out) as {
          elections: Array<{ key: string; status: string; voted: number; ballots: number }>;
        };
        const orphanJson = json.elections.find((e) => e.key === 'name_the_app');
        assert.deepEqual([orphanJson?.status, orphanJson?.voted, orphanJson?.ballots], ['orphaned', 2, 2]);

        const asked = await run(electionsCommand, ['purge', 'name_the_app'], env, cwd);
        assert.equal(asked.code, 1, 'refuses without --yes');
        assert.match(asked.out, /deletes 2 ballots \(3 ballot rows\), 2 voter records, 0 exception requests, and the election row/);
        assert.match(asked.err, /Nothing was deleted.*--yes/);
        assert.match((await run(electionsCommand, ['list'], env, cwd)).out, /^name_the_app +orphaned +2 +2 /m, 'still all there');

        const purged = await run(electionsCommand, ['purge', 'name_the_app', '--yes'], env, cwd);
        assert.equal(purged.code, 0, purged.err);
        assert.match(purged.out, /Deleted name_the_app: 3 ballot rows, 2 voter records, 0 exception requests/);
        const check = Store.open(database.config);
        try {
          assert.equal(await check.elections.findByKey('name_the_app'), null);
          const left = await check.db
            .selectFrom('ballot')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirst();
          assert.equal(Number(left?.n), 0);
          const audit = await check.audit.list({ electionKey: 'name_the_app' });
          assert.equal(audit[0]?.action, 'election.purge');
          assert.match(audit[0].detail ?? '', /3 ballot rows, 2 voter records/);
        } finally {
          await check.close();
        }
        await assert.rejects(run(electionsCommand, ['purge', 'name_the_app', '--yes'], env, cwd), UserError);

        // The repository gone: exit 1, nothing changed.
        renameSync(upstream.bare, `${upstream.bare}.gone`);
        const failed = await run(syncCommand, [], env, cwd);
        assert.equal(failed.code, 1);
        assert.match(failed.err, /could not be updated, so nothing was changed/);
        assert.match((await run(electionsCommand, ['list'], env, cwd)).out, /3 elections, 0 orphaned|^3 elections$/m);
      } finally {
        await database.drop();
        upstream.cleanup();
      }
    });
  });
}

test('sync reads META_PATH as a plain folder when META_REPO is unset, and refuses when there is nothing', async () => {
  const database = await freshDatabase('sqlite');
  const dir = tempDir();
  try {
    copyFixture(join(dir.path, 'meta'));
    const env = { DATABASE_URL: database.url, META_PATH: join(dir.path, 'meta') };
    const res = await run(syncCommand, [], env, dir.path);
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /Meta folder .* \(META_REPO is unset: read as it is\)/);
    assert.match(res.out, /Revision \(not a git checkout\)/);
    assert.match(res.out, /Election table: 3 added/);
    await assert.rejects(
      run(syncCommand, [], { DATABASE_URL: database.url, META_PATH: join(dir.path, 'nowhere') }, dir.path),
      (e: unknown) => e instanceof UserError && /no meta repository to sync/.test(e.message),
    );
    await assert.rejects(run(electionsCommand, ['frobnicate'], env, dir.path), UserError);
  } finally {
    await database.drop();
    dir.cleanup();
  }
});
