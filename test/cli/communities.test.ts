// The operator's commands for several communities: `scrutin validate --communities
// FILE` checks the file and every repository it names; `scrutin communities list`
// shows each community's revision, last sync and problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { startService } from '../../src/main.js';
import { runCli, runInProcess } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/db.js';
import { tempDir } from '../metarepo/fixture.js';
import { makeUpstream } from '../metarepo/gitRepo.js';

test('validate --communities: the file with its lines, missing variables, and each repository', async () => {
  const good = makeUpstream();
  const broken = makeUpstream();
  broken.write('elections/bad/election.yaml', 'name: [unclosed\n');
  broken.commit('broken');
  broken.push();
  const dir = tempDir('scrutin-vc-');
  try {
    const file = join(dir.path, 'communities.yaml');
    writeFileSync(
      file,
      `communities:
  - key: good
    name: Good
    meta_repo: ${good.bare}
    meta_secret_env: GOOD_SECRET
  - key: bad
    name: Bad
    meta_repo: ${broken.bare}
    colr: "#fff"
  - key: gone
    name: Gone
    meta_repo: ./nowhere.git
`,
    );
    const r = await runCli(['validate', '--communities', 'communities.yaml'], {}, dir.path);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^warning: communities\.yaml:9: unknown key "colr" is ignored/m);
    assert.match(
      r.stdout,
      /^communities\.yaml:2: good: the environment variable GOOD_SECRET \(meta_secret_env, its webhook secret\) is not set$/m,
    );
    assert.match(r.stdout, /^bad: elections\/bad\/election\.yaml:2: invalid YAML/m);
    assert.match(r.stdout, /^good\s+[0-9a-f]{12}\s+3 elections, 0 errors, \d+ warnings?$/m);
    assert.match(r.stdout, /^bad\s+[0-9a-f]{12}\s+4 elections \(1 with errors\), [1-9]\d* errors?/m);
    assert.match(r.stdout, /^gone\s+UNREADABLE\s+/m);
    assert.match(r.stdout, /^3 communities checked; \d+ errors, \d+ warnings?$/m);

    const fine = await runCli(['validate', '--communities', 'communities.yaml'], { GOOD_SECRET: 'x'.repeat(20) }, dir.path);
    assert.equal(fine.code, 1, 'still the broken and the unreachable repositories');
    const usage = await runCli(['validate', '--communities', 'communities.yaml', '--format', 'json'], {}, dir.path);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--communities takes only --strict/);
  } finally {
    good.cleanup();
    broken.cleanup();
    dir.cleanup();
  }
});

test('communities list: revision, last sync, elections and problems per community', async () => {
  const a = makeUpstream();
  const dir = tempDir('scrutin-cl-');
  const database = await freshDatabase('sqlite');
  try {
    const file = join(dir.path, 'communities.yaml');
    writeFileSync(
      file,
      `communities:\n  - key: one\n    name: One\n    meta_repo: ${a.bare}\n    default: true\n    hosts: [one.example.org]\n  - key: two\n    name: Two\n    meta_repo: ${join(dir.path, 'missing.git')}\n`,
    );
    const env = {
      APP_ENV: 'development',
      DATABASE_URL: database.url,
      COMMUNITIES: file,
      META_PATH: join(dir.path, 'meta'),
      LOG_LEVEL: 'silent',
    };
    const service = await startService(parseConfig(env, dir.path, { purpose: 'serve' }), { listen: false });
    await service.stop();
    const listed = await runInProcess(['communities', 'list'], dir.path, env);
    assert.equal(listed.code, 0, listed.err);
    const revision = a.git('rev-parse', 'HEAD').slice(0, 12);
    assert.match(
      listed.out,
      new RegExp(
        `^one\\s+${revision}\\s+\\d{4}-\\d\\d-\\d\\dT\\S+\\s+3\\s+\\d+ errors, \\d+ warnings.*\\[default\\]  one\\.example\\.org$`,
        'm',
      ),
    );
    assert.match(listed.out, /^two\s+none\s+never\s+0\s+no clone on this host$/m);
    const json = await runInProcess(['communities', 'list', '--format', 'json'], dir.path, env);
    const parsed = JSON.parse(json.out) as { communities: Array<{ key: string; elections: number }> };
    assert.deepEqual(
      parsed.communities.map((c) => [c.key, c.elections]),
      [
        ['one', 3],
        ['two', 0],
      ],
    );
    // `sync` runs every community in turn; one failing does not stop the others.
    const synced = await runInProcess(['sync'], dir.path, env);
    assert.equal(synced.code, 1);
    assert.match(synced.out, /^Community one \(One\)$/m);
    assert.match(synced.out, /^Community two \(Two\)$/m);
    assert.match(synced.err, /the meta repository could not be updated/);
    const elections = await runInProcess(['elections', 'list', '--community', 'one', '--format', 'json'], dir.path, env);
    assert.equal((JSON.parse(elections.out) as { elections: unknown[] }).elections.length, 3);
    const unnamed = await runInProcess(['elections', 'list'], dir.path, env);
    assert.match(unnamed.err, /name the community with --community KEY/);

    // The officers' tools name the community: two may hold the same election key.
    const tallyUnnamed = await runInProcess(['tally', '--election', '2021---GB'], dir.path, env);
    assert.equal(tallyUnnamed.code, 2);
    assert.match(tallyUnnamed.err, /name the community with --community KEY/);
    const tallied = await runInProcess(['tally', '--election', '2021---GB', '--community', 'one', '--format', 'json'], dir.path, env);
    assert.equal(tallied.code, 0, tallied.err);
    assert.equal((JSON.parse(tallied.out) as { ballots: number }).ballots, 0);
    const elsewhere = await runInProcess(['tally', '--election', '2021---GB', '--community', 'two'], dir.path, env);
    assert.equal(elsewhere.code, 1, 'community two has no clone, so no such election');

    const single = await runInProcess(['communities', 'list'], dir.path, { ...env, COMMUNITIES: '' });
    assert.equal(single.code, 1);
    assert.match(single.err, /COMMUNITIES is not set/);
  } finally {
    a.cleanup();
    dir.cleanup();
    await database.drop();
  }
});
