// The in-repository copy of the Elekto sample must stay identical to the shared
// original (when the original is present on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE } from '../metarepo/fixture.js';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/elekto-meta-sample', import.meta.url));

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.filter((f) => f !== 'PROVENANCE.md').sort();
}

test(
  'the in-repository Elekto sample matches the shared original byte for byte',
  { skip: existsSync(SHARED) ? false : 'the shared original is not on this machine' },
  () => {
    const ours = files(FIXTURE);
    assert.deepEqual(ours, files(SHARED));
    for (const f of ours) assert.ok(readFileSync(join(FIXTURE, f)).equals(readFileSync(join(SHARED, f))), f);
  },
);
