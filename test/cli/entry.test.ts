// bin/scrutin.js picks dist/ while it is up to date and the sources otherwise: a
// stale build must never run, and a fresh one must (it starts ~2 s sooner). Played
// in a scratch tree with the real bin/scrutin.js, the real tsx (node_modules linked)
// and two stand-in entry points that say which one ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binPath, repoRoot } from '../helpers/cli.js';

const tree = mkdtempSync(join(tmpdir(), 'scrutin-entry-'));
after(() => rmSync(tree, { recursive: true, force: true }));

mkdirSync(join(tree, 'bin'));
mkdirSync(join(tree, 'src', 'commands'), { recursive: true });
mkdirSync(join(tree, 'dist', 'commands'), { recursive: true });
copyFileSync(binPath, join(tree, 'bin', 'scrutin.js'));
symlinkSync(join(repoRoot, 'node_modules'), join(tree, 'node_modules'));
writeFileSync(join(tree, 'package.json'), '{"type":"module"}\n');
writeFileSync(join(tree, 'tsconfig.json'), '{"compilerOptions":{"module":"NodeNext","moduleResolution":"NodeNext"}}\n');
const entry = (said: string) => `export async function main(argv) { console.log('${said}', argv.join(' ')); return 0; }\n`;
writeFileSync(join(tree, 'src', 'cli.ts'), entry('src').replace('argv)', 'argv: string[])'));
writeFileSync(join(tree, 'src', 'commands', 'x.ts'), 'export const x = 1;\n');

const at = (seconds: number) => new Date(1_800_000_000_000 + seconds * 1000);
function stamp(path: string, seconds: number): void {
  utimesSync(join(tree, path), at(seconds), at(seconds));
}
function build(seconds: number): void {
  writeFileSync(join(tree, 'dist', 'cli.js'), entry('dist'));
  writeFileSync(join(tree, 'dist', 'commands', 'x.js'), 'export const x = 1;\n');
  stamp('dist/cli.js', seconds);
  stamp('dist/commands/x.js', seconds);
}
function ran(env: NodeJS.ProcessEnv = {}): string {
  const res = spawnSync(process.execPath, [join(tree, 'bin', 'scrutin.js'), 'hello'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout.trim();
}

test('a build at least as new as every source runs; a source edited since runs the sources', () => {
  stamp('src/cli.ts', 10);
  stamp('src/commands/x.ts', 10);
  build(20);
  assert.equal(ran(), 'dist hello');
  stamp('src/commands/x.ts', 30);
  assert.equal(ran(), 'src hello', 'one edited source makes the whole build stale');
  build(40);
  assert.equal(ran(), 'dist hello');
});

test('a source with no compiled twin (a new file) makes the build stale', () => {
  build(50);
  writeFileSync(join(tree, 'src', 'commands', 'fresh.tsx'), 'export const y = 2;\n');
  stamp('src/commands/fresh.tsx', 45);
  try {
    assert.equal(ran(), 'src hello');
  } finally {
    rmSync(join(tree, 'src', 'commands', 'fresh.tsx'));
  }
  assert.equal(ran(), 'dist hello');
});

test('SCRUTIN_FROM forces either side; without src/ (a release) dist/ runs', () => {
  build(60);
  assert.equal(ran({ SCRUTIN_FROM: 'src' }), 'src hello');
  stamp('src/cli.ts', 70);
  assert.equal(ran({ SCRUTIN_FROM: 'dist' }), 'dist hello');
  rmSync(join(tree, 'src'), { recursive: true });
  assert.equal(ran(), 'dist hello');
});
