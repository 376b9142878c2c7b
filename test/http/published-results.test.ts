// Issue 15, as a voter and an officer use it: in an election with receipts, voters cast
// (one with a passphrase), see the recorded ranking and their receipt code; after the
// close an officer publishes with one audited, CSRF-protected POST; anyone then reads the
// computed result and every ballot by receipt code, downloads the CSV whose SHA-256 the
// page and the audit trail show, recounts it with `scrutin tally` to the page's winner,
// and finds their ballot with `scrutin verify`.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runInProcess } from '../helpers/cli.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const election = makeElection({
  key: 'rc',
  startDatetime: new Date('2026-05-01T00:00:00Z'),
  endDatetime: new Date('2026-05-15T00:00:00Z'),
  voters: ['alice', 'bob', 'carol'],
  officers: ['olivia'],
  ballotReceipts: true,
  candidates: [makeCandidate('ann', 'Ann Example'), makeCandidate('ben', 'Ben Example'), makeCandidate('cat', 'Cat Example')],
});
const plain = makeElection({
  key: 'plain',
  startDatetime: new Date('2026-05-01T00:00:00Z'),
  endDatetime: new Date('2026-05-15T00:00:00Z'),
  voters: ['alice'],
  officers: ['olivia'],
});
const VOTE = '/app/elections/rc/vote';
const RECEIPT = /[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){4}/;

describe('receipts and published results', () => {
  let t: TestApp;
  let dir: string;
  const receipts = new Map<string, string>();
  before(async () => {
    t = await startTestApp({ now: new Date('2026-05-05T10:00:00Z'), snapshot: snapshotOf([entryOf(election), entryOf(plain)]) });
    dir = mkdtempSync(join(tmpdir(), 'scrutin-published-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  test('the confirmation shows the recorded ranking and a receipt code; the passphrase view shows the same code', async () => {
    const c = t.client();
    await c.signIn('alice');
    const cast = await c.post(
      VOTE,
      { 'candidate@ann': '2', 'candidate@ben': '1', 'candidate@cat': '', password: 'alice long passphrase' },
      { csrfFrom: VOTE },
    );
    assert.equal(cast.statusCode, 303, cast.body.slice(0, 500));
    const confirmation = await c.get('/app/elections/rc/confirmation');
    assert.match(confirmation.body, /The ballot that was recorded/);
    assert.match(confirmation.body, /<td>1<\/td>\s*<td>Ben Example<\/td>/);
    assert.match(confirmation.body, /<td>2<\/td>\s*<td>Ann Example<\/td>/);
    assert.match(confirmation.body, /No opinion on Cat Example/);
    const code = RECEIPT.exec(confirmation.body)?.[0];
    assert.ok(code !== undefined, 'a receipt code on the confirmation');
    receipts.set('alice', code);
    const view = await c.post(`${VOTE}/view`, { password: 'alice long passphrase' }, { csrfFrom: '/app/elections/rc' });
    assert.equal(view.statusCode, 200);
    assert.equal(RECEIPT.exec(view.body)?.[0], code);
    // Stored on the ballot rows only, never on the voter row.
    const store = t.service.ctx.store;
    const voterRow = await store.db.selectFrom('voter').selectAll().executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(voterRow).includes(code));
    const rows = await store.db.selectFrom('ballot').select('receipt').execute();
    assert.deepEqual(
      rows.map((r) => r.receipt),
      [code, code, code],
    );
  });

  test('before publication the election page and the public page say when and where results appear', async () => {
    const c = t.client();
    await c.signIn('bob');
    const page = await c.get('/app/elections/rc');
    assert.match(page.body, /The results will appear at <a href="\/elections\/rc\/results">/);
    const pending = await t.client().get('/elections/rc/results');
    assert.equal(pending.statusCode, 200);
    assert.match(pending.body, /not published yet/);
    assert.equal((await t.client().get('/elections/rc/ballots.csv')).statusCode, 404);
    // Two more voters, without passphrases: their receipts are on their confirmations.
    for (const [login, ballot] of [
      ['bob', { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' }],
      ['carol', { 'candidate@ann': '3', 'candidate@ben': '1', 'candidate@cat': '2' }],
    ] as const) {
      const v = t.client();
      await v.signIn(login);
      assert.equal((await v.post(VOTE, ballot, { csrfFrom: VOTE })).statusCode, 303);
      const code = RECEIPT.exec((await v.get('/app/elections/rc/confirmation')).body)?.[0];
      assert.ok(code !== undefined);
      receipts.set(login, code);
    }
    assert.equal(new Set(receipts.values()).size, 3, 'each ballot its own code');
  });

  test('publishing needs an officer, the close, and a CSRF token; it is audited with the file hash', async () => {
    const officer = t.client();
    await officer.signIn('olivia');
    const tooEarly = await officer.post('/app/elections/rc/admin/publish', {}, { csrfFrom: '/app/elections/rc/admin' });
    assert.notEqual(tooEarly.statusCode, 303, 'not while voting is open');
    t.setNow(new Date('2026-05-16T00:00:00Z'));
    // Sessions last 12 hours: sign in again after the close.
    await officer.signIn('olivia');
    const noToken = await officer.post('/app/elections/rc/admin/publish', {});
    assert.equal(noToken.statusCode, 403);
    const voter = t.client();
    await voter.signIn('bob');
    const notOfficer = await voter.post('/app/elections/rc/admin/publish', {}, { csrfFrom: '/app/elections/rc' });
    assert.equal(notOfficer.statusCode, 403);
    const results = await officer.get('/app/elections/rc/admin/results');
    assert.match(results.body, /Publish the results and the ballots/);
    const published = await officer.post('/app/elections/rc/admin/publish', {}, { csrfFrom: '/app/elections/rc/admin/results' });
    assert.equal(published.statusCode, 303);
    const again = await officer.post('/app/elections/rc/admin/publish', {}, { csrfFrom: '/app/elections/rc/admin/results' });
    assert.equal(again.statusCode, 303);
    const entries = (await t.service.ctx.store.audit.list({ electionKey: 'rc' })).filter((e) => e.action === 'results.published');
    assert.equal(entries.length, 1, 'published once');
    assert.match(entries[0]?.detail ?? '', /^3 ballots; ballots CSV SHA-256 [0-9a-f]{64}$/);
  });

  test('anyone sees the result and every ballot by receipt; the CSV hashes as shown and recounts to the page; verify finds each ballot', async () => {
    const anyone = t.client();
    const page = await anyone.get('/elections/rc/results');
    assert.equal(page.statusCode, 200);
    // Ben: 2 ballots of 3 rank him first; he beats Ann 2–1 and Cat 2–0 (… and he is the winner).
    assert.match(page.body, /<h2 id="winners">Winner<\/h2>\s*<ol class="winners">\s*<li>\s*<strong>Ben Example<\/strong>/);
    assert.match(page.body, /Pairwise preferences/);
    assert.match(page.body, /Why/);
    for (const code of receipts.values()) assert.match(page.body, new RegExp(`id="r-${code}"`));
    assert.match(
      page.body,
      new RegExp(
        `id="r-${receipts.get('alice') ?? ''}"[\\s\\S]*?<td>1\\. Ben Example, 2\\. Ann Example, no opinion on Cat Example\\.</td>`,
      ),
    );

    const csv = await anyone.get('/elections/rc/ballots.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="rc-ballots.csv"/);
    const sha = createHash('sha256').update(csv.body, 'utf8').digest('hex');
    assert.match(page.body, new RegExp(sha));
    const audit = (await t.service.ctx.store.audit.list({ electionKey: 'rc' })).find((e) => e.action === 'results.published');
    assert.match(audit?.detail ?? '', new RegExp(sha));
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'ann,ben,cat,receipt');
    const codes = lines.slice(1).map((l) => l.split(',').at(-1) ?? '');
    assert.deepEqual(codes, [...codes].sort(), 'sorted by receipt, not by casting');

    const file = join(dir, 'rc-ballots.csv');
    writeFileSync(file, csv.body);
    const tally = await runInProcess(['tally', file], dir);
    assert.equal(tally.code, 0, tally.err);
    assert.match(tally.out, /Winner: ben/);

    for (const [login, code] of receipts) {
      const found = await runInProcess(['verify', file, '--receipt', code.toLowerCase().replaceAll('-', ' ')], dir);
      assert.equal(found.code, 0, `${login}: ${found.err}`);
      assert.match(found.out, new RegExp(`Found: the ballot with receipt ${code}`));
    }
    const alice = await runInProcess(['verify', file, '--receipt', receipts.get('alice') ?? ''], dir);
    assert.match(alice.out, /1\. ben\n {2}2\. ann\n {2}no opinion: cat/);
    const missing = await runInProcess(['verify', file, '--receipt', '00000-00000-00000-00000-00000'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /Not found/);
    const bad = await runInProcess(['verify', file, '--receipt', 'not-a-code'], dir);
    assert.equal(bad.code, 2);
    const noFile = await runInProcess(['verify', join(dir, 'nope.csv'), '--receipt', receipts.get('bob') ?? ''], dir);
    assert.equal(noFile.code, 2);
    writeFileSync(join(dir, 'twice.csv'), `${csv.body}${lines[1] ?? ''}\r\n`);
    const twice = await runInProcess(['verify', join(dir, 'twice.csv'), '--receipt', codes[0] ?? ''], dir);
    assert.equal(twice.code, 3);
    const noArgs = await runInProcess(['verify', file], dir);
    assert.equal(noArgs.code, 2);
  });

  test('the signed-in election page links to the published results', async () => {
    const c = t.client();
    await c.signIn('carol');
    const page = await c.get('/app/elections/rc');
    assert.match(page.body, /The results and every ballot were published/);
  });

  test('an election without receipts publishes a shuffled CSV without a receipt column and no list of codes', async () => {
    const v = t.client();
    t.setNow(new Date('2026-05-05T10:00:00Z'));
    await v.signIn('alice');
    assert.equal(
      (
        await v.post(
          '/app/elections/plain/vote',
          { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '' },
          { csrfFrom: '/app/elections/plain/vote' },
        )
      ).statusCode,
      303,
    );
    const confirmation = await v.get('/app/elections/plain/confirmation');
    assert.doesNotMatch(confirmation.body, /receipt code/i);
    t.setNow(new Date('2026-05-16T00:00:00Z'));
    const officer = t.client();
    await officer.signIn('olivia');
    assert.equal(
      (await officer.post('/app/elections/plain/admin/publish', {}, { csrfFrom: '/app/elections/plain/admin/results' })).statusCode,
      303,
    );
    const csv = await t.client().get('/elections/plain/ballots.csv');
    assert.equal(csv.body.split('\r\n')[0], 'ann,ben,cat');
    const page = await t.client().get('/elections/plain/results');
    assert.doesNotMatch(page.body, /Every ballot, by receipt code/);
    const file = join(dir, 'plain.csv');
    writeFileSync(file, csv.body);
    const verify = await runInProcess(['verify', file, '--receipt', '00000-00000-00000-00000-00000'], dir);
    assert.equal(verify.code, 2);
  });
});
