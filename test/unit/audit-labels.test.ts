// The officers' audit trail speaks in words: every action id the code writes (in
// src/, and the one migration 0004 writes) has a sentence, never a raw id such as
// `ballots-rewritten`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { actionLabel } from '../../src/views/officer/OfficerPage.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

test('every audit action written anywhere has a sentence for the officers', () => {
  const written = new Set<string>();
  for (const file of sources(join(import.meta.dirname, '../../src'))) {
    const text = readFileSync(file, 'utf8');
    // An `action:` inside an audit.append({ ... }) call (refusals use `action` for other things).
    for (const m of text.matchAll(/audit\.append\(\{[^}]*?\baction: '([a-z][\w.-]*)'/g)) written.add(m[1] ?? '');
    for (const m of text.matchAll(/\baudit\(req, officer, '([a-z][\w.-]*)'/g)) written.add(m[1] ?? '');
    for (const m of text.matchAll(/\$\{'([a-z][\w.-]*)'\}/g)) if (m[1]?.includes('.') === true) written.add(m[1]);
    if (text.includes('action: `exception.${input.decision}`')) ['exception.approved', 'exception.denied'].forEach((a) => written.add(a));
  }
  for (const action of ['links-erased', 'ballots-rewritten', 'meta.sync', 'results.viewed', 'ballots.login-shared'])
    assert.ok(written.has(action), `the scan finds ${action}`);
  for (const action of written) {
    const label = actionLabel(action);
    assert.notEqual(label, action, `${action} has words`);
    assert.match(label, /^[A-Z][a-z]/, `${action}: a sentence`);
  }
  assert.equal(actionLabel('something-new'), 'something-new', 'an unknown id is shown as it is, not hidden');
});
