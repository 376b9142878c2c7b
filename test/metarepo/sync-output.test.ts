// `scrutin sync` prints the warnings too (issue 13): what the server tolerates, as
// Elekto did, is listed with its file and line for whoever runs the sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { command as syncCommand } from '../../src/commands/sync.js';
import { freshDatabase } from '../helpers/db.js';
import { makeUpstream } from './gitRepo.js';

test('scrutin sync counts the warnings and prints each as path:line: warning: message', async () => {
  const upstream = makeUpstream();
  const database = await freshDatabase('sqlite');
  try {
    upstream.write('elections/2021/GB/voters.yaml', 'eligible_voters:\n  - dims\n  - Felix Moehler\n');
    upstream.commit('a name in the voter list');
    upstream.push();
    const out: string[] = [];
    const err: string[] = [];
    const env = {
      APP_ENV: 'test',
      DATABASE_URL: database.url,
      META_REPO: upstream.bare,
      META_PATH: join(upstream.root, 'meta'),
      META_BRANCH: 'main',
      ELECTION_DIR: 'elections',
    };
    const code = await syncCommand.run([], { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: upstream.root });
    const text = out.join('\n');
    assert.equal(code, 0, err.join('\n'));
    assert.match(text, /^3 elections in the repository \(4 warnings, listed below\)$/m);
    assert.match(text, /^meta\/elections\/2021\/GB\/voters\.yaml:3: warning: eligible_voters: "Felix Moehler" is not a GitHub login/m);
    assert.match(text, /^meta\/elections\/name_the_app\/election\.yaml:15: warning: unknown key "exceptions_due" is ignored/m);
  } finally {
    await database.drop();
    upstream.cleanup();
  }
});
