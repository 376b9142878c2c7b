// The CLI's list of commands matches the command modules, every command answers
// --help, and mistakes get one clear line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, run } from '../../src/cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, cwd: process.cwd() }, out, err };
}

test('each registered command loads a module with the same name and summary', async () => {
  for (const entry of commands) {
    const cmd = await entry.load();
    assert.equal(cmd.name, entry.name);
    assert.equal(cmd.summary, entry.summary, `${entry.name}: the registry's summary must match the module's`);
  }
});

test('every command answers --help with its usage and exit 0', async () => {
  for (const entry of commands) {
    const c = capture();
    assert.equal(await run([entry.name, '--help'], c.io), 0, entry.name);
    assert.match(c.out.join('\n'), new RegExp(`scrutin ${entry.name}`), entry.name);
  }
});

test('scrutin --help lists every command; an unknown command is exit 2 with one line', async () => {
  const help = capture();
  assert.equal(await run(['--help'], help.io), 0);
  for (const entry of commands) assert.match(help.out.join('\n'), new RegExp(`\\b${entry.name}\\b`));
  const bad = capture();
  assert.equal(await run(['frobnicate'], bad.io), 2);
  assert.equal(bad.err.length, 1);
  assert.match(bad.err[0]!, /unknown command "frobnicate"/);
});
