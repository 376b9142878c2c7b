// Governance as code end to end, on each database (issue 18): an approval election
// ("select up to 5") and an STV election go through the ballot page, the cast, the
// view with the passphrase, the revoke and the new cast, then the close, the officers'
// count, its explanation, the downloads and the results.md draft; and an election
// whose top three include two employees of one company while a continuing member
// shares that employer seats the next eligible candidate and says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGovernance } from '../../src/core/meta/governance.js';
import type { Candidate } from '../../src/core/meta/types.js';
import { countApprovalCsv } from '../../src/core/tally/approval.js';
import type { SessionUser } from '../../src/views/page.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const START = new Date('2026-05-01T00:00:00Z');
const END = new Date('2026-05-15T00:00:00Z');
const DURING = new Date('2026-05-05T12:00:00Z');
const AFTER = new Date('2026-05-16T09:00:00Z');
const VOTERS = Array.from({ length: 12 }, (_, i) => `voter${i}`);

function rulesOf(yaml: string) {
  const { rules, problems } = parseGovernance(`name: x\nno_winners: 3\n${yaml}`, 'election.yaml');
  assert.deepEqual(problems, [], 'the test rules read without problems');
  return rules;
}

function withEmployer(id: string, name: string, employer: string): Candidate {
  return makeCandidate(id, name, { info: [{ key: 'employer', value: employer }] });
}

const PEOPLE = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus'];
const approval = makeElection({
  key: 'otel',
  name: 'Governance Committee',
  startDatetime: START,
  endDatetime: END,
  noWinners: 2,
  voters: ['alice', ...VOTERS],
  officers: ['olivia'],
  candidates: PEOPLE.map((id) => makeCandidate(id, `${id.toUpperCase()} Person`)),
  rules: rulesOf('ballot_method: approval\nmax_selections: 5\n'),
});
const stv = makeElection({
  key: 'board',
  name: 'Proportional Board',
  startDatetime: START,
  endDatetime: END,
  noWinners: 2,
  voters: ['alice', ...VOTERS],
  officers: ['olivia'],
  candidates: ['ann', 'ben', 'cat', 'dan'].map((id) => makeCandidate(id, `${id.toUpperCase()} Person`)),
  rules: rulesOf('ballot_method: stv\n'),
});
// Kubernetes' Steering Committee: seven members, three seats up, at most a third per
// company counting the four continuing members. Acme already holds one of them.
const capped = makeElection({
  key: 'steering',
  name: 'Steering Committee',
  startDatetime: START,
  endDatetime: END,
  noWinners: 3,
  voters: VOTERS,
  officers: ['olivia'],
  candidates: [
    withEmployer('ann', 'Ann Acme', 'Acme'),
    withEmployer('ben', 'Ben Acme', 'acme '),
    withEmployer('cat', 'Cat Beta', 'Beta'),
    withEmployer('dan', 'Dan Gamma', 'Gamma'),
    withEmployer('eve', 'Eve Delta', 'Delta'),
  ],
  rules: rulesOf(
    [
      'max_per_affiliation: 1/3',
      'continuing_members:',
      '  - {login: carol, affiliation: Acme}',
      '  - {login: dave, affiliation: Omega}',
      '  - {login: erin, affiliation: Sigma}',
      '  - {login: frank, affiliation: Tau}',
      '',
    ].join('\n'),
  ),
});

// Paketo 2026: a 5-5 tie for the last seat, and a seed declared before voting.
const paketo = makeElection({
  key: 'paketo',
  name: 'Paketo Steering',
  startDatetime: START,
  endDatetime: END,
  noWinners: 2,
  voters: Array.from({ length: 10 }, (_, i) => `p${i}`),
  officers: ['olivia'],
  candidates: [makeCandidate('ann', 'Ann Archer'), makeCandidate('ben', 'Ben Brook'), makeCandidate('cat', 'Cat Cole')],
  rules: rulesOf('tie_break:\n  method: seeded-hash\n  seed: "paketo-2026-steering"\n'),
});

// Seven candidates with one first preference each: too many ways undrawn lots fall.
const LOTS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
const lots = makeElection({
  key: 'lots',
  name: 'Lots',
  startDatetime: START,
  endDatetime: END,
  noWinners: 2,
  voters: LOTS.map((id) => `l-${id}`),
  officers: ['olivia'],
  candidates: LOTS.map((id) => makeCandidate(id)),
  rules: rulesOf('ballot_method: stv\n'),
});

for (const kind of dialects()) {
  describe(`approval, STV and a seat cap end to end on ${kind}`, () => {
    let t: TestApp;
    const users = new Map<string, SessionUser>();

    before(async () => {
      t = await startTestApp({
        kind,
        now: DURING,
        snapshot: snapshotOf([entryOf(approval), entryOf(stv), entryOf(capped), entryOf(paketo), entryOf(lots)]),
      });
    });
    after(async () => {
      await t.close();
    });

    async function as(login: string): Promise<TestClient> {
      const c = t.client();
      await c.signIn(login);
      return c;
    }

    /** Casts through the ballot service, as the form would post. */
    async function cast(login: string, electionKey: string, fields: Record<string, string>): Promise<void> {
      let user = users.get(login);
      if (user === undefined) {
        const row = await t.service.ctx.store.users.recordSignIn({ login, name: null, githubId: null, now: DURING });
        user = { id: row.id, login: row.login, name: row.name };
        users.set(login, user);
      }
      const posted = Object.fromEntries(Object.entries(fields).map(([id, v]) => [`candidate@${id}`, v]));
      const outcome = await t.service.ctx.ballots.cast({ user, electionKey, fields: posted, passphrase: '', confirmAbstention: true });
      assert.ok(outcome.ok, `${login}: ${JSON.stringify(outcome)}`);
    }

    const approve = (...ids: string[]) => Object.fromEntries(ids.map((id) => [`candidate@${id}`, 'approve']));

    test('the approval ballot: check boxes, "select up to 5" enforced by the server, view, revoke and cast again', async () => {
      t.setNow(DURING);
      const c = await as('alice');
      const page = '/app/elections/otel/vote';
      const form = await c.get(page);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Select up to 5/);
      assert.equal((form.body.match(/type="checkbox" id="approve-/g) ?? []).length, PEOPLE.length, 'one check box per candidate');
      assert.doesNotMatch(form.body, /<select/, 'no rank selects on an approval ballot');

      const tooMany = await c.post(page, approve('ann', 'ben', 'cat', 'dan', 'eve', 'fay'), { csrfFrom: page });
      assert.equal(tooMany.statusCode, 400);
      assert.match(tooMany.body, /You selected 6 candidates; this election allows at most 5/);
      assert.match(tooMany.body, /href="#approval-list"/, 'the error summary links to the group of boxes');
      assert.match(tooMany.body, /id="approve-ann"[^>]*checked/, 'the choices come back as ticked');

      const bad = await c.post(page, { 'candidate@ann': '7' }, { csrfFrom: page });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /tick the box to approve them/);

      const none = await c.post(page, {}, { csrfFrom: page });
      assert.equal(none.statusCode, 400, 'approving nobody asks for a confirmed abstention');
      assert.match(none.body, /This ballot approves no candidate/);

      const ok = await c.post(page, { ...approve('ann', 'cat'), password: 'approval passphrase' }, { csrfFrom: page });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      const view = await c.post('/app/elections/otel/vote/view', { password: 'approval passphrase' }, { csrfFrom: '/app/elections/otel' });
      assert.equal(view.statusCode, 200);
      assert.match(view.body, /Your ballot approves ANN Person and CAT Person\./);

      const revoke = await c.post(
        '/app/elections/otel/vote/edit',
        { password: 'approval passphrase' },
        { csrfFrom: '/app/elections/otel' },
      );
      assert.equal(revoke.statusCode, 303);
      const again = await c.post(page, { ...approve('ben'), password: 'approval passphrase' }, { csrfFrom: page });
      assert.equal(again.statusCode, 303);
      const view2 = await c.post('/app/elections/otel/vote/view', { password: 'approval passphrase' }, { csrfFrom: '/app/elections/otel' });
      assert.match(view2.body, /Your ballot approves BEN Person\./);
    });

    test('the election page tells voters how it is counted; an election without rules says nothing new', async () => {
      t.setNow(DURING);
      const c = await as('alice');
      const otel = await c.get('/app/elections/otel');
      assert.match(otel.body, /<h2 id="rules">How it is counted<\/h2>/);
      assert.match(otel.body, /Approval voting: you tick the candidates you approve of, up to 5; the most approved win\./);
      const p = await (await as('p0')).get('/app/elections/paketo');
      assert.match(p.body, /A tie is broken by a draw anyone can check: SHA-256 of the seed <code>paketo-2026-steering<\/code>/);
      const steering = await (await as('voter0')).get('/app/elections/steering');
      assert.match(
        steering.body,
        /The seats follow a cap: at most 1\/3 of the body per affiliation \(by the candidates&#39; <code>employer<\/code>, counting 4 continuing members\)\./,
      );
    });

    test('the STV ballot ranks, and refuses two candidates on one rank', async () => {
      t.setNow(DURING);
      const c = await as('alice');
      const page = '/app/elections/board/vote';
      const form = await c.get(page);
      assert.match(form.body, /this election counts by STV/);
      const shared = await c.post(
        page,
        { 'candidate@ann': '1', 'candidate@ben': '1', 'candidate@cat': '', 'candidate@dan': '' },
        { csrfFrom: page },
      );
      assert.equal(shared.statusCode, 400);
      assert.match(shared.body, /ANN Person and BEN Person share rank 1/);
      const ok = await c.post(
        page,
        { 'candidate@ann': '1', 'candidate@ben': '2', 'candidate@cat': '', 'candidate@dan': '', password: 'stv passphrase' },
        { csrfFrom: page },
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      const revoke = await c.post('/app/elections/board/vote/edit', { password: 'stv passphrase' }, { csrfFrom: '/app/elections/board' });
      assert.equal(revoke.statusCode, 303);
      const again = await c.post(
        page,
        { 'candidate@ann': '', 'candidate@ben': '', 'candidate@cat': '1', 'candidate@dan': '2', password: 'stv passphrase' },
        { csrfFrom: page },
      );
      assert.equal(again.statusCode, 303);
      const view = await c.post('/app/elections/board/vote/view', { password: 'stv passphrase' }, { csrfFrom: '/app/elections/board' });
      assert.match(view.body, /1\. CAT Person, 2\. DAN Person/);
    });

    test('after the close: the approval count, its explanation, its downloads and its draft', async () => {
      t.setNow(DURING);
      // alice approves ben (above). ann 6, cat 5, ben 3 + alice, dan 2.
      for (let i = 0; i < 6; i++)
        await cast(VOTERS[i] ?? '', 'otel', { ann: 'approve', cat: i < 5 ? 'approve' : '', ben: i < 3 ? 'approve' : '' });
      await cast('voter6', 'otel', { dan: 'approve', eve: 'approve' });
      await cast('voter7', 'otel', { dan: 'approve' });
      await cast('voter8', 'otel', {});
      t.setNow(AFTER);
      const o = await as('olivia');
      const results = await o.get('/app/elections/otel/admin/results');
      assert.equal(results.statusCode, 200, results.body.slice(0, 300));
      assert.match(results.body, /Counted now from the stored ballots with approval voting/);
      const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(results.body)?.[1] ?? '';
      assert.deepEqual(
        [...winners.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]),
        ['ANN Person', 'CAT Person'],
      );
      assert.match(results.body, /<code>approval<\/code> \(at most 5 selections\)/);
      assert.match(results.body, /Counted by approval voting: 10 ballots \(1 approving nobody\)/);

      const csv = await o.get('/app/elections/otel/admin/download');
      assert.equal(csv.statusCode, 200);
      const lines = csv.body.split('\r\n');
      assert.equal(lines[0], PEOPLE.join(','));
      assert.ok(
        lines.slice(1, -1).every((l) => /^(1?,){6}1?$/.test(l)),
        'approval cells are 1 or blank',
      );
      const recount = countApprovalCsv(csv.body);
      assert.deepEqual(recount.approvals, [6, 4, 5, 2, 1, 0, 0], 'the download counts back to the same approvals');

      const json = JSON.parse((await o.get('/app/elections/otel/admin/results.json')).body) as { method: string; winners: string[] };
      assert.equal(json.method, 'approval');
      assert.deepEqual(json.winners, ['ann', 'cat']);
    });

    test('after the close: the STV count stage by stage, its downloads and its draft', async () => {
      t.setNow(DURING);
      // alice: cat > dan (above).
      for (let i = 0; i < 5; i++) await cast(VOTERS[i] ?? '', 'board', { ann: '1', ben: '2', cat: '', dan: '' });
      for (let i = 5; i < 8; i++) await cast(VOTERS[i] ?? '', 'board', { ann: '', ben: '1', cat: '2', dan: '' });
      await cast('voter8', 'board', { ann: '', ben: '', cat: '1', dan: '2' });
      t.setNow(AFTER);
      const o = await as('olivia');
      const results = await o.get('/app/elections/board/admin/results');
      assert.equal(results.statusCode, 200, results.body.slice(0, 300));
      assert.match(results.body, /single transferable vote \(Scottish STV/);
      assert.match(results.body, /The count, stage by stage/);
      assert.match(results.body, /First preferences: ANN Person 5, BEN Person 3, CAT Person 2, DAN Person 0/);
      const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(results.body)?.[1] ?? '';
      assert.deepEqual(
        [...winners.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]),
        ['ANN Person', 'BEN Person'],
      );
      assert.match(results.body, /Counted by single transferable vote/, 'the draft says how it was counted');
      const csv = await o.get('/app/elections/board/admin/download');
      assert.match(csv.body, /^ann,ben,cat,dan\r\n/);
      assert.match(csv.body, /No opinion,No opinion,1,2\r\n/);
      const json = JSON.parse((await o.get('/app/elections/board/admin/results.json')).body) as { method: string };
      assert.equal(json.method, 'stv');
    });

    test('a cap with a continuing member of the same company seats the next eligible candidate, and the page and draft say so', async () => {
      t.setNow(DURING);
      for (const v of VOTERS.slice(0, 9)) await cast(v, 'steering', { ann: '1', ben: '2', cat: '3', dan: '4', eve: '5' });
      t.setNow(AFTER);
      const o = await as('olivia');
      const results = await o.get('/app/elections/steering/admin/results');
      assert.equal(results.statusCode, 200, results.body.slice(0, 300));
      const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(results.body)?.[1] ?? '';
      assert.deepEqual(
        [...winners.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]),
        ['Ann Acme', 'Cat Beta', 'Dan Gamma'],
        'Ben (Acme) is skipped for Dan',
      );
      const skipped = 'Skipped Ben Acme (place 2, acme): acme already holds 2 of at most 2 (carol and Ann Acme).';
      assert.ok(results.body.includes('How the rules filled the seats'));
      assert.ok(results.body.includes(skipped), 'the page says who was skipped and why');
      const draft = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(results.body)?.[1] ?? '';
      assert.match(draft, /How the election&#39;s rules filled the seats|How the election's rules filled the seats/);
      assert.ok(draft.includes('Skipped Ben Acme'), 'the results.md draft says so too');
      assert.match(draft, /- Ann Acme\n- Cat Beta\n- Dan Gamma/);
    });

    test('a Schulze election shows ranked pairs and instant-runoff, labelled informational', async () => {
      t.setNow(AFTER);
      const o = await as('olivia');
      const results = await o.get('/app/elections/steering/admin/results');
      assert.match(results.body, /Other methods on the same ballots <span class="chip">informational<\/span>/);
      assert.match(results.body, /Ranked pairs \(Tideman\): Ann Acme &gt; Ben Acme &gt; Cat Beta/);
      assert.match(results.body, /Instant-runoff: Ann Acme wins in round 1/);
    });

    test('a tie broken by the declared draw: the page and the draft say so, how and between whom', async () => {
      t.setNow(DURING);
      for (let i = 0; i < 5; i++) await cast(`p${i}`, 'paketo', { ann: '1', ben: '2', cat: '3' });
      for (let i = 5; i < 10; i++) await cast(`p${i}`, 'paketo', { ann: '1', ben: '3', cat: '2' });
      t.setNow(AFTER);
      const o = await as('olivia');
      const results = await o.get('/app/elections/paketo/admin/results');
      assert.equal(results.statusCode, 200, results.body.slice(0, 300));
      const said =
        /Tie broken: Ben Brook and Cat Cole were tied; seeded-hash draw with seed (&quot;|")paketo-2026-steering(&quot;|"): (Ben Brook|Cat Cole) \([0-9a-f]{12}…\)/;
      const page = /<section class="card" aria-labelledby="seating">[\s\S]*?<\/section>/.exec(results.body)?.[0] ?? '';
      assert.match(page, said);
      const draft = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(results.body)?.[1] ?? '';
      assert.match(draft, said);
      assert.doesNotMatch(draft, /break the tie by their own rules/, 'no tie is left to the officers');
      const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(results.body)?.[1] ?? '';
      assert.equal([...winners.matchAll(/<strong>/g)].length, 2, 'both seats are named');
      const json = JSON.parse((await o.get('/app/elections/paketo/admin/results.json')).body) as {
        method: string;
        winners: string[];
        ties: unknown[];
        seating: { tieBreaks: { candidates: string[]; use: { seed: string } }[] };
      };
      assert.equal(json.method, 'schulze');
      assert.equal(json.winners.length, 2);
      assert.deepEqual(json.ties, []);
      assert.deepEqual(json.seating.tieBreaks[0]?.candidates, ['ben', 'cat']);
      assert.equal(json.seating.tieBreaks[0].use.seed, 'paketo-2026-steering');
    });

    test('an STV count with too many undrawn lots asks for a declared tie-break, page and download alike', async () => {
      t.setNow(DURING);
      for (const id of LOTS) await cast(`l-${id}`, 'lots', Object.fromEntries(LOTS.map((c) => [c, c === id ? '1' : ''])));
      t.setNow(AFTER);
      const o = await as('olivia');
      for (const path of ['results', 'results.json']) {
        const res = await o.get(`/app/elections/lots/admin/${path}`);
        assert.equal(res.statusCode, 409, path);
        assert.match(res.body, /Declare a tie-break in election\.yaml/);
      }
    });
  });
}
