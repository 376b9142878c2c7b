// Receipts and publication under COMMUNITIES (issues 15 and 17 together): two communities,
// each with an election of the same key and `ballot_receipts: true`. Voters cast in both;
// an officer publishes one. Its public results page and ballots CSV under /c/<key>/ hold
// that community's ballots only; the other community's public pages (and the plain URLs
// of the default community) say not published; each receipt is found only in its own
// community's CSV; the audit entry is written to the publishing community alone. Then the
// second community publishes, and each file and page still holds its own ballots.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runInProcess } from '../helpers/cli.js';
import { candidateFile, tempDir } from '../metarepo/fixture.js';
import { makeUpstream, type Upstream } from '../metarepo/gitRepo.js';

const KEY = 'steering-2026';
const RECEIPT = /[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){4}/;
const RECEIPTS = new RegExp(RECEIPT.source, 'g');
const OPEN = new Date('2026-05-05T10:00:00Z');
const CLOSED = new Date('2026-05-16T00:00:00Z');

type Community = 'alpha' | 'beta';
/** Who may vote and who is the officer, in each community's election of the same key. */
const ROLL: Record<Community, { voters: string[]; officer: string }> = {
  alpha: { voters: ['alice', 'bob'], officer: 'olivia' },
  beta: { voters: ['alice', 'carol'], officer: 'oscar' },
};
/** Each community's voters rank differently, so each file's count has its own winner. */
const BALLOTS: Record<Community, Record<string, Record<string, string>>> = {
  alpha: {
    alice: { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '3' },
    bob: { 'candidate@ann': '1', 'candidate@ben': '3', 'candidate@cat': '2' },
  },
  beta: {
    alice: { 'candidate@ann': '3', 'candidate@ben': '2', 'candidate@cat': '1', password: 'alice beta passphrase' },
    carol: { 'candidate@ann': '2', 'candidate@ben': '', 'candidate@cat': '1' },
  },
};

function addSteering(upstream: Upstream, community: Community): void {
  const { voters, officer } = ROLL[community];
  upstream.write(
    `elections/${KEY}/election.yaml`,
    `name: Steering ${community} 2026
organization: ${community}
start_datetime: 2026-05-01 00:00:00
end_datetime: 2026-05-15 00:00:00
no_winners: 1
allow_no_opinion: True
election_officers:
  - ${officer}
eligibility: Members may vote.
ballot_receipts: true
`,
  );
  upstream.write(`elections/${KEY}/voters.yaml`, `eligible_voters:\n${voters.map((v) => `  - ${v}`).join('\n')}\n`);
  for (const id of ['ann', 'ben', 'cat']) upstream.write(`elections/${KEY}/candidate-${id}.md`, candidateFile(id));
  upstream.commit(`${community} steering`);
  upstream.push();
}

describe('receipts and publication in two communities with the same election key', () => {
  const upstreams = {} as Record<Community, Upstream>;
  const receipts: Record<Community, Map<string, string>> = { alpha: new Map(), beta: new Map() };
  const files = {} as Record<Community, string>;
  let dir: { path: string; cleanup: () => void };
  let t: TestApp;

  const client = () => t.client();
  const storeOf = (community: Community): Store => {
    const entry = t.service.ctx.communities().find((c) => c.info.key === community);
    if (entry === undefined) throw new Error(`no community ${community}`);
    return entry.ctx.store;
  };
  const base = (community: Community) => `/c/${community}/elections/${KEY}`;
  const published = async (community: Community) =>
    (await storeOf(community).audit.list({ electionKey: KEY })).filter((e) => e.action === 'results.published');
  /** Publishes as the community's officer; returns the public CSV, also written to a file for `scrutin verify`. */
  const publish = async (community: Community): Promise<string> => {
    const officer = client();
    await officer.signIn(ROLL[community].officer);
    const admin = `/c/${community}/app/elections/${KEY}/admin`;
    const res = await officer.post(`${admin}/publish`, {}, { csrfFrom: `${admin}/results` });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const csv = await client().get(`${base(community)}/ballots.csv`);
    assert.equal(csv.statusCode, 200);
    files[community] = join(dir.path, `${community}-ballots.csv`);
    writeFileSync(files[community], csv.body);
    return csv.body;
  };
  const codesIn = (csv: string): string[] =>
    csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',').at(-1) ?? '');

  before(async () => {
    dir = tempDir('scrutin-community-receipts-');
    upstreams.alpha = makeUpstream();
    upstreams.beta = makeUpstream();
    addSteering(upstreams.alpha, 'alpha');
    addSteering(upstreams.beta, 'beta');
    const file = join(dir.path, 'communities.yaml');
    writeFileSync(
      file,
      `communities:
  - key: alpha
    name: Alpha Project
    meta_repo: ${upstreams.alpha.bare}
    default: true
  - key: beta
    name: Beta Project
    meta_repo: ${upstreams.beta.bare}
`,
    );
    t = await startTestApp({ now: OPEN, meta: 'configured', env: { COMMUNITIES: file, META_PATH: join(dir.path, 'meta') } });
  });

  after(async () => {
    // Also fails the test if a passphrase or a session cookie reached the logs.
    await t.close();
    for (const u of Object.values(upstreams)) u.cleanup();
    dir.cleanup();
  });

  test('voters cast in both communities and each gets a receipt from its own election', async () => {
    for (const community of ['alpha', 'beta'] as const) {
      for (const [login, ballot] of Object.entries(BALLOTS[community])) {
        const voter = client();
        await voter.signIn(login);
        const vote = `/c/${community}/app/elections/${KEY}/vote`;
        const cast = await voter.post(vote, ballot, { csrfFrom: vote });
        assert.equal(cast.statusCode, 303, `${community}/${login}: ${cast.body.slice(0, 300)}`);
        assert.equal(cast.headers.location, `/c/${community}/app/elections/${KEY}/confirmation`);
        const confirmation = await voter.get(cast.headers.location);
        const code = RECEIPT.exec(confirmation.body)?.[0];
        assert.ok(code !== undefined, `${community}/${login}: a receipt on the confirmation`);
        receipts[community].set(login, code);
      }
    }
    const all = [...receipts.alpha.values(), ...receipts.beta.values()];
    assert.equal(new Set(all).size, 4, 'every ballot its own code');
    // alice voted in beta too (with a passphrase); it opens beta's ballot, and its receipt.
    const alice = client();
    await alice.signIn('alice');
    const view = await alice.post(
      `/c/beta/app/elections/${KEY}/vote/view`,
      { password: 'alice beta passphrase' },
      { csrfFrom: `/c/beta/app/elections/${KEY}` },
    );
    assert.equal(view.statusCode, 200);
    assert.equal(RECEIPT.exec(view.body)?.[0], receipts.beta.get('alice'));
  });

  test('before publication, each community points at its own results page, which says not published', async () => {
    const carol = client();
    await carol.signIn('carol');
    const page = await carol.get(`/c/beta/app/elections/${KEY}`);
    assert.match(page.body, new RegExp(`The results will appear at <a href="/c/beta/elections/${KEY}/results">`));
    for (const url of [`${base('alpha')}/results`, `${base('beta')}/results`, `/elections/${KEY}/results`]) {
      const pending = await client().get(url);
      assert.equal(pending.statusCode, 200, url);
      assert.match(pending.body, /not published yet/, url);
    }
  });

  test("one community's officer publishes its election only; the other's officer cannot publish it", async () => {
    t.setNow(CLOSED);
    const olivia = client();
    await olivia.signIn('olivia');
    const notTheirs = await olivia.post(`/c/beta/app/elections/${KEY}/admin/publish`, {}, { csrfFrom: `/c/beta/app/elections/${KEY}` });
    assert.equal(notTheirs.statusCode, 403, "alpha's officer is no officer of beta's election of the same key");
    assert.deepEqual(await published('beta'), []);

    const csv = await publish('beta');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'ann,ben,cat,receipt');
    assert.deepEqual(codesIn(csv).sort(), [...receipts.beta.values()].sort(), "beta's ballots, and only them");

    // The audit entry is beta's, naming the file's hash; alpha's trail (and the root's) has none.
    const sha = createHash('sha256').update(csv, 'utf8').digest('hex');
    assert.deepEqual(
      (await published('beta')).map((e) => [e.actor, e.detail]),
      [['oscar', `2 ballots; ballots CSV SHA-256 ${sha}`]],
    );
    assert.deepEqual(await published('alpha'), []);
    assert.deepEqual(
      (await t.service.ctx.store.audit.list()).filter((e) => e.action === 'results.published'),
      [],
      'nothing written outside a community',
    );
    // The officers' pages show it in beta's trail only.
    const oscar = client();
    await oscar.signIn('oscar');
    assert.match((await oscar.get(`/c/beta/app/elections/${KEY}/admin`)).body, /Published the results and the ballots/);
    const alphaOfficer = client();
    await alphaOfficer.signIn('olivia');
    assert.doesNotMatch((await alphaOfficer.get(`/c/alpha/app/elections/${KEY}/admin`)).body, /Published the results and the ballots/);

    // Beta's public page: its winner (cat, first on both ballots), its hash, its codes only.
    const page = await client().get(`${base('beta')}/results`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h2 id="winners">Winner<\/h2>\s*<ol class="winners">\s*<li>\s*<strong>Candidate cat<\/strong>/);
    assert.match(page.body, new RegExp(sha));
    assert.deepEqual([...new Set(page.body.match(RECEIPTS))].sort(), [...receipts.beta.values()].sort());
  });

  test("the other community's public pages, and the default community's plain URLs, say not published", async () => {
    for (const prefix of [base('alpha'), `/elections/${KEY}`]) {
      const results = await client().get(`${prefix}/results`);
      assert.equal(results.statusCode, 200, prefix);
      assert.match(results.body, /not published yet/, prefix);
      assert.equal(RECEIPT.exec(results.body), null, `${prefix}: no receipt code of anyone`);
      assert.equal((await client().get(`${prefix}/ballots.csv`)).statusCode, 404, prefix);
    }
  });

  test("a receipt is found in its own community's CSV only", async () => {
    for (const [login, code] of receipts.beta) {
      const found = await runInProcess(['verify', files.beta, '--receipt', code], dir.path);
      assert.equal(found.code, 0, `beta/${login}: ${found.err}`);
    }
    const alice = await runInProcess(['verify', files.beta, '--receipt', receipts.beta.get('alice') ?? ''], dir.path);
    assert.match(alice.out, /1\. cat\n {2}2\. ben\n {2}3\. ann/);
    for (const [login, code] of receipts.alpha) {
      const missing = await runInProcess(['verify', files.beta, '--receipt', code], dir.path);
      assert.equal(missing.code, 1, `alpha/${login}'s receipt is not in beta's file`);
      assert.match(missing.out, /Not found/);
    }
  });

  test('when the other community publishes too, each file, page and trail keeps its own ballots', async () => {
    const betaBefore = (await client().get(`${base('beta')}/ballots.csv`)).body;
    const csv = await publish('alpha');
    assert.deepEqual(codesIn(csv).sort(), [...receipts.alpha.values()].sort());
    assert.equal((await client().get(`${base('beta')}/ballots.csv`)).body, betaBefore, "beta's file is unchanged");
    // The default community's plain URLs now serve alpha's publication, the same as /c/alpha/.
    assert.equal((await client().get(`/elections/${KEY}/ballots.csv`)).body, csv);
    const page = await client().get(`${base('alpha')}/results`);
    assert.match(page.body, /<h2 id="winners">Winner<\/h2>\s*<ol class="winners">\s*<li>\s*<strong>Candidate ann<\/strong>/);
    assert.deepEqual([...new Set(page.body.match(RECEIPTS))].sort(), [...receipts.alpha.values()].sort());
    const betaPage = await client().get(`${base('beta')}/results`);
    assert.match(betaPage.body, /<strong>Candidate cat<\/strong>/);
    assert.deepEqual([...new Set(betaPage.body.match(RECEIPTS))].sort(), [...receipts.beta.values()].sort());
    assert.equal((await published('alpha')).length, 1);
    assert.equal((await published('beta')).length, 1);
    for (const [login, code] of receipts.alpha) {
      assert.equal((await runInProcess(['verify', files.alpha, '--receipt', code], dir.path)).code, 0, `alpha/${login}`);
      assert.equal((await runInProcess(['verify', files.beta, '--receipt', code], dir.path)).code, 1, `alpha/${login} in beta`);
    }
    for (const code of receipts.beta.values())
      assert.equal((await runInProcess(['verify', files.alpha, '--receipt', code], dir.path)).code, 1);
  });
});
