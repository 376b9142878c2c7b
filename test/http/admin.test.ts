// The officer area through the real routes and the real ballot service: who may open
// each page (officers of this election only, case-insensitively), turnout and who has
// voted, votes per day, exception review scoped to the election, results and downloads
// only after the close, the audit trail, and an election whose files do not parse.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import type { SessionUser } from '../../src/views/page.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

const START = new Date('2026-05-01T00:00:00Z');
const END = new Date('2026-05-15T00:00:00Z');
const DURING = new Date('2026-05-05T12:00:00Z');
const AFTER = new Date('2026-05-16T09:00:00Z');

const tsc = makeElection({
  key: 'tsc',
  name: 'Technical Steering 2026',
  startDatetime: START,
  endDatetime: END,
  exceptionDue: new Date('2026-05-10T00:00:00Z'),
  noWinners: 2,
  voters: ['Alice', 'bob', 'carol', 'dave', 'erin', 'frank'],
  officers: ['Olivia'],
  candidates: [
    makeCandidate('ann', 'Ann Archer'),
    makeCandidate('ben', 'Ben Brook'),
    makeCandidate('cat', 'Cat Cole'),
    makeCandidate('dan', 'Dan Dale'),
  ],
});
const gb = makeElection({
  key: 'gb',
  name: 'Governing Board',
  startDatetime: START,
  endDatetime: END,
  exceptionDue: new Date('2026-05-10T00:00:00Z'),
  voters: ['alice'],
  officers: ['oscar'],
});
const quiet = makeElection({
  key: 'quiet',
  name: 'Quiet',
  startDatetime: START,
  endDatetime: END,
  noWinners: 1,
  voters: ['alice', 'bob'],
  officers: ['olivia'],
});
const broken: ElectionEntry = {
  key: 'broken',
  dir: 'elections/broken',
  ok: false,
  name: 'Broken election',
  officerSet: new Set(['olivia']),
  problems: [{ file: 'elections/broken/election.yaml', line: 4, message: 'end_datetime is not a date', severity: 'error' }],
};

const ADMIN = '/app/elections/tsc/admin';

describe('the officer area', () => {
  let t: TestApp;
  const users = new Map<string, SessionUser>();

  async function userOf(login: string): Promise<SessionUser> {
    let u = users.get(login);
    if (u === undefined) {
      const row = await t.service.ctx.store.users.recordSignIn({ login, name: null, githubId: null, now: DURING });
      u = { id: row.id, login: row.login, name: row.name };
      users.set(login, u);
    }
    return u;
  }

  async function cast(login: string, ranks: Record<string, string>, at: Date, electionKey = 'tsc'): Promise<void> {
    t.setNow(at);
    const fields = Object.fromEntries(Object.entries(ranks).map(([id, r]) => [`candidate@${id}`, r]));
    const outcome = await t.service.ctx.ballots.cast({
      user: await userOf(login),
      electionKey,
      fields,
      passphrase: '',
      confirmAbstention: true,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
  }

  async function as(login: string | null): Promise<TestClient> {
    const c = t.client();
    if (login !== null) await c.signIn(login);
    return c;
  }

  async function requestException(login: string, electionKey: string, name: string): Promise<number> {
    t.setNow(DURING);
    const c = await as(login);
    const page = `/app/elections/${electionKey}/exception`;
    const res = await c.post(
      page,
      { name, email: `${login.toLowerCase()}@example.org`, chat: '', description: `${name} organised the meetups.`, comments: '' },
      { csrfFrom: page },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const user = await userOf(login);
    const found = await t.service.ctx.store.requests.findByUserAndElectionKey(user.id, electionKey);
    assert.ok(found);
    return found.id;
  }

  const auditActions = async (key = 'tsc') =>
    (await t.service.ctx.store.audit.list({ electionKey: key })).map((e) => `${e.actor ?? ''} ${e.action}`);

  let mallory = 0;
  let trent = 0;
  let gbRequest = 0;

  before(async () => {
    t = await startTestApp({ now: DURING, snapshot: snapshotOf([entryOf(tsc), entryOf(gb), entryOf(quiet), broken]) });
    // Tie at the seat boundary for 2 seats: Ann beats everyone; Ben and Cat are level; both beat Dan.
    await cast('alice', { ann: '1', ben: '2', cat: '3', dan: '4' }, new Date('2026-05-02T08:00:00Z'));
    await cast('bob', { ann: '1', ben: '3', cat: '2', dan: '4' }, new Date('2026-05-02T21:30:00Z'));
    // An abstention (no preference at all).
    await cast('carol', { ann: '', ben: '', cat: '', dan: '' }, new Date('2026-05-04T10:00:00Z'));
    await cast('alice', { ann: '1', ben: '2', cat: '' }, new Date('2026-05-03T10:00:00Z'), 'gb');
    mallory = await requestException('Mallory', 'tsc', 'Mallory Q');
    trent = await requestException('trent', 'tsc', 'Trent R');
    gbRequest = await requestException('peggy', 'gb', 'Peggy P');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.setNow(DURING);
  });

  const pages = () => [
    `${ADMIN}/`,
    ADMIN,
    `${ADMIN}/voters.csv`,
    `${ADMIN}/exception/${mallory}`,
    `${ADMIN}/results`,
    `${ADMIN}/results.json`,
    `${ADMIN}/download`,
  ];

  test('signed out, every officer URL sends to sign-in and back; a POST is refused', async () => {
    const c = await as(null);
    for (const url of pages()) {
      const res = await c.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, `/login?next=${encodeURIComponent(url)}`, url);
    }
    const post = await c.post(`${ADMIN}/exception/${mallory}`, { decision: 'approve', note: '' }, { csrfFrom: '/login' });
    assert.equal(post.statusCode, 401);
  });

  test('a voter, and an officer of another election, get 403 on every officer URL, before and after the close', async () => {
    for (const login of ['alice', 'oscar']) {
      const c = await as(login);
      for (const now of [DURING, AFTER]) {
        t.setNow(now);
        // Days after the sign-in: a session lasts 12 hours.
        if (now === AFTER) await c.signIn(login);
        for (const url of pages()) {
          const res = await c.get(url);
          assert.equal(res.statusCode, 403, `${login} ${url}`);
          assert.match(res.body, /Only the election officers of this election can open this page/);
        }
      }
      t.setNow(DURING);
      const post = await c.post(`${ADMIN}/exception/${mallory}`, { decision: 'approve', note: 'sneaky' }, { csrfFrom: '/app' });
      assert.equal(post.statusCode, 403, login);
    }
    const untouched = await t.service.ctx.store.requests.findById(mallory);
    assert.equal(untouched?.decision ?? null, null);
    assert.deepEqual(await auditActions(), []);
  });

  test('unknown elections are 404 for everyone, officers included', async () => {
    const c = await as('olivia');
    for (const url of [
      '/app/elections/nope/admin/',
      '/app/elections/nope/admin/results',
      '/app/elections/nope/admin/exception/1',
      '/app/elections/..%2Ftsc/admin/',
    ]) {
      assert.equal((await c.get(url)).statusCode, 404, url);
    }
  });

  test('the overview: phase and window, turnout with who has and has not voted, votes per day, requests', async () => {
    const c = await as('OLIVIA');
    for (const url of [`${ADMIN}/`, ADMIN]) assert.equal((await c.get(url)).statusCode, 200, url);
    const res = await c.get(`${ADMIN}/`);
    const body = res.body;
    assert.match(body, /Technical Steering 2026: officer area/);
    assert.match(body, /Voting open/);
    assert.match(body, /<time datetime="2026-05-15T00:00:00.000Z"/);
    // 3 of the 6 listed voters (carol abstained, but she voted): Alice, bob, carol.
    assert.match(body, /<strong>3<\/strong> of 6 eligible voters have voted \(<strong>50%<\/strong>\)/);
    const notYet = /Not voted yet \((\d+)\)<\/summary>([\s\S]*?)<\/details>/.exec(body);
    assert.equal(notYet?.[1], '3');
    for (const login of ['dave', 'erin', 'frank']) assert.match(notYet[2] ?? '', new RegExp(`<li>${login}</li>`));
    const voted = /Voted \((\d+)\)<\/summary>([\s\S]*?)<\/details>/.exec(body);
    assert.equal(voted?.[1], '3');
    for (const login of ['Alice', 'bob', 'carol']) assert.match(voted[2] ?? '', new RegExp(`<li>${login}</li>`));
    // Never how anyone voted: no ranks or candidate names near the voter lists.
    assert.doesNotMatch(notYet[2] ?? '', /Ann Archer|Ben Brook|\brank\b/i);
    assert.doesNotMatch(voted[2] ?? '', /Ann Archer|Ben Brook|\brank\b/i);
    // The chart: an accessible SVG with the days from the opening to today, and the same figures as a table.
    assert.match(body, /<svg class="votes-chart"[^>]*role="img"[^>]*aria-labelledby="votes-per-day-title votes-per-day-desc"/);
    assert.match(body, /<title id="votes-per-day-title">Votes per day \(UTC\)<\/title>/);
    assert.match(body, /<desc id="votes-per-day-desc">3 votes over 5 days; the most on Sat 2 May 2026 \(2\)\.<\/desc>/);
    assert.equal((body.match(/<rect class="chart-bar"/g) ?? []).length, 2, 'two days with votes');
    const rows = [...body.matchAll(/<tr><td><time datetime="(\d{4}-\d\d-\d\d)">[^<]*<\/time><\/td><td class="num">(\d+)<\/td><\/tr>/g)].map(
      (m) => `${m[1]}=${m[2]}`,
    );
    assert.deepEqual(rows, ['2026-05-01=0', '2026-05-02=2', '2026-05-03=0', '2026-05-04=1', '2026-05-05=0']);
    // Requests of this election only, with their status and a link to review.
    assert.match(body, new RegExp(`href="${ADMIN}/exception/${mallory}">Mallory`));
    assert.match(body, new RegExp(`href="${ADMIN}/exception/${trent}">trent`));
    assert.doesNotMatch(body, /peggy/);
    assert.equal((body.match(/chip chip-todo">Pending</g) ?? []).length, 2);
    // Before the close: no results links, but when they come.
    assert.doesNotMatch(body, new RegExp(`href="${ADMIN}/results"`));
    assert.match(body, /available once voting closes/);
    assert.match(body, /<link rel="stylesheet" href="\/assets\/officer.css\?v=[0-9a-f]{12}"/);
  });

  test('the officer stylesheet is served', async () => {
    const c = await as('olivia');
    const href = /href="(\/assets\/officer.css\?v=[0-9a-f]+)"/.exec((await c.get(`${ADMIN}/`)).body)?.[1];
    assert.ok(href);
    const css = await c.get(href);
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /text\/css/);
    assert.match(css.body, /\.pw-win-3/);
  });

  test('the voter list for reminders as CSV: login and voted yes/no, audited', async () => {
    const c = await as('olivia');
    const res = await c.get(`${ADMIN}/voters.csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="tsc-voters.csv"');
    assert.equal(res.body, 'login,voted\r\nAlice,yes\r\nbob,yes\r\ncarol,yes\r\ndave,no\r\nerin,no\r\nfrank,no\r\n');
    const trail = await t.service.ctx.store.audit.list({ electionKey: 'tsc', limit: 1 });
    assert.equal(trail[0]?.action, 'voters.downloaded');
    assert.equal(trail[0].actor, 'olivia');
  });

  test('exception review: approve one with the voters.yaml line, deny another, each requester sees the decision and note', async () => {
    const officer = await as('olivia');
    const page = `${ADMIN}/exception/${mallory}`;
    const review = await officer.get(page);
    assert.equal(review.statusCode, 200);
    for (const text of ['Mallory Q', 'mallory@example.org', 'Mallory Q organised the meetups.', 'Pending'])
      assert.ok(review.body.includes(text), text);
    assert.match(review.body, /name="_csrf"/);

    const approve = await officer.post(
      page,
      { decision: 'approve', note: '  Welcome aboard: we will add you today.  ' },
      { csrfFrom: page },
    );
    assert.equal(approve.statusCode, 303, approve.body.slice(0, 400));
    assert.equal(approve.headers.location, page);
    const approved = await officer.get(page);
    assert.match(approved.body, /Approved\. Add Mallory to voters\.yaml by pull request/);
    // The exact line, with the login as GitHub spells it, and where it goes.
    assert.match(approved.body, /<pre class="yaml-line"[^>]*><code> {2}- Mallory<\/code><\/pre>/);
    assert.match(approved.body, /elections\/tsc\/voters\.yaml/);

    const deny = await officer.post(
      `${ADMIN}/exception/${trent}`,
      { decision: 'deny', note: 'No contributions we could find.' },
      { csrfFrom: `${ADMIN}/exception/${trent}` },
    );
    assert.equal(deny.statusCode, 303);

    const row = await t.service.ctx.store.db
      .selectFrom('request')
      .select(['decision', 'decision_note', 'decided_by', 'decided_at', 'reviewed'])
      .where('id', '=', mallory)
      .executeTakeFirstOrThrow();
    assert.equal(row.decision, 'approved');
    assert.equal(row.decision_note, 'Welcome aboard: we will add you today.');
    assert.equal(row.decided_by, 'olivia');
    assert.ok(row.decided_at !== null);
    assert.ok(row.reviewed === true || row.reviewed === 1, "Elekto's reviewed flag is set");

    const m = await as('Mallory');
    const mine = await m.get('/app/elections/tsc/exception');
    assert.match(mine.body, /Approved/);
    assert.match(mine.body, /Welcome aboard: we will add you today\./);
    const tr = await as('trent');
    const his = await tr.get('/app/elections/tsc/exception');
    assert.match(his.body, /Denied/);
    assert.match(his.body, /No contributions we could find\./);

    const overview = await officer.get(`${ADMIN}/`);
    assert.match(overview.body, /chip chip-ok">Approved</);
    assert.match(overview.body, /chip chip-bad">Denied</);
    const actions = await auditActions();
    assert.ok(actions.includes('olivia exception.approved'));
    assert.ok(actions.includes('olivia exception.denied'));
  });

  test('re-deciding is allowed, replaces what the requester sees, and is audited each time', async () => {
    const officer = await as('olivia');
    const page = `${ADMIN}/exception/${trent}`;
    await officer.post(page, { decision: 'deny', note: 'First look.' }, { csrfFrom: page });
    const again = await officer.post(page, { decision: 'approve', note: 'We found your talks.' }, { csrfFrom: page });
    assert.equal(again.statusCode, 303);
    const request = await t.service.ctx.store.requests.findById(trent);
    assert.equal(request?.decision, 'approved');
    assert.equal(request.decisionNote, 'We found your talks.');
    const trail = (await t.service.ctx.store.audit.list({ electionKey: 'tsc' })).filter((e) => e.detail?.includes(`request #${trent} `));
    assert.ok(trail.length >= 2);
    assert.match(trail[0]?.detail ?? '', /approved \(was denied\); note: We found your talks\./);
    const changed = await officer.get(page);
    assert.match(changed.body, /Change the decision/);
    assert.match(changed.body, /every decision stays in the audit trail/);
  });

  test('a request id of another election, or no request at all, is a 404 and changes nothing', async () => {
    const officer = await as('olivia');
    for (const id of [String(gbRequest), '999999', 'abc', '0', '-1', '1e3', '99999999999']) {
      assert.equal((await officer.get(`${ADMIN}/exception/${id}`)).statusCode, 404, id);
    }
    const post = await officer.post(
      `${ADMIN}/exception/${gbRequest}`,
      { decision: 'approve', note: 'cross-election' },
      { csrfFrom: `${ADMIN}/` },
    );
    assert.equal(post.statusCode, 404);
    const peggy = await t.service.ctx.store.requests.findById(gbRequest);
    assert.equal(peggy?.decision ?? null, null);
    assert.equal(peggy?.reviewed, false);
    // And gb's own officer cannot reach tsc's request through gb's URL either.
    const oscar = await as('oscar');
    assert.equal((await oscar.get(`/app/elections/gb/admin/exception/${mallory}`)).statusCode, 404);
    assert.equal((await oscar.get(`/app/elections/gb/admin/exception/${gbRequest}`)).statusCode, 200);
  });

  test('the decision form is validated (choice required, note length-limited) and CSRF-protected', async () => {
    const officer = await as('olivia');
    const page = `${ADMIN}/exception/${mallory}`;
    const before = await t.service.ctx.store.requests.findById(mallory);
    const missing = await officer.post(page, { decision: 'maybe', note: 'keep this text' }, { csrfFrom: page });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Choose whether to approve or deny the request\./);
    assert.match(missing.body, /keep this text<\/textarea>/, 'the note is shown again');
    const long = await officer.post(page, { decision: 'deny', note: 'x'.repeat(2001) }, { csrfFrom: page });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /The note can be at most 2000 characters\./);
    const forged = await officer.post(page, { decision: 'deny', note: 'forged' });
    assert.equal(forged.statusCode, 403);
    const after = await t.service.ctx.store.requests.findById(mallory);
    assert.deepEqual(after, before);
  });

  test('results and downloads before the close: 403 saying when', async () => {
    const c = await as('olivia');
    for (const url of [`${ADMIN}/results`, `${ADMIN}/results.json`, `${ADMIN}/download`]) {
      const res = await c.get(url);
      assert.equal(res.statusCode, 403, url);
      assert.match(
        res.body,
        /The count is available once voting closes on <time datetime="2026-05-15T00:00:00.000Z" data-local="">Fri 15 May 2026, 00:00 UTC<\/time>\./,
      );
    }
    t.setNow(new Date(END.getTime() - 1000));
    await c.signIn('olivia');
    assert.equal((await c.get(`${ADMIN}/results`)).statusCode, 403, 'a second before the end');
    t.setNow(END);
    assert.equal((await c.get(`${ADMIN}/results`)).statusCode, 200, 'at the end');
  });

  test('after the close: winners with names, the tie at the seat boundary, ranking, matrix, reasons, abstentions, a draft results.md; audited', async () => {
    t.setNow(AFTER);
    const c = await as('olivia');
    const res = await c.get(`${ADMIN}/results`);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    const body = res.body;
    assert.match(body, /<dt>Ballots counted<\/dt><dd>3<\/dd>/);
    assert.match(body, /<dt>Abstentions<\/dt><dd>1 /);
    assert.match(body, /<dt>Eligible voters<\/dt><dd>6<\/dd>/);
    assert.match(body, /<dt>Turnout<\/dt><dd>50%<\/dd>/);
    // One winner for two seats, and the tie for seat 2 called out.
    const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? '';
    assert.match(winners, /Ann Archer/);
    assert.doesNotMatch(winners, /Ben Brook|Cat Cole/);
    assert.match(body, /<strong>Tie for seat 2:<\/strong> Ben Brook and Cat Cole are tied\./);
    // Full ranking with places and ties.
    const ranking = [...body.matchAll(/<tr><td>([^<]+)<\/td><th scope="row">([^<]+)<\/th>/g)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(ranking, ['1st Ann Archer', '2nd (tie) Ben Brook', '2nd (tie) Cat Cole', '4th Dan Dale']);
    // Pairwise matrix with colour classes: Ann is preferred to Dan on both ordering ballots (2 to 0).
    assert.match(body, /<table class="matrix"/);
    assert.match(body, /<td class="pw pw-win-3">2<span class="visually-hidden"> \(more than the other way: 0\)<\/span><\/td>/);
    assert.match(body, /<td class="pw pw-even">1<span/);
    assert.doesNotMatch(body, /style="/, 'no inline style (CSP)');
    // Reasons from the explanation.
    assert.match(body, /<strong>Ben Brook<\/strong> and <strong>Cat Cole<\/strong> are tied: there is no path either way\./);
    assert.match(
      body,
      /<strong>Ann Archer<\/strong> beats <strong>Ben Brook<\/strong>: the strongest path <span class="path">Ann Archer → Ben Brook<\/span> has strength 2, and there is no path back\./,
    );
    // The draft results.md.
    const draft = /<textarea id="draft-text"[^>]*>([\s\S]*?)<\/textarea>/.exec(body)?.[1] ?? '';
    for (const line of [
      '## Technical Steering 2026',
      'This election ran from May 1, 2026 to May 15, 2026, for 2 seats.',
      'There were 6 eligible voters. 3 ballots were cast, which is 50% participation.',
      '## Winners',
      '- Ann Archer',
      '**Tie for seat 2:** Ben Brook and Cat Cole are tied.',
      '1st: Ann Archer',
      '2nd: tie between Ben Brook and Cat Cole',
      '4th: Dan Dale',
      'Counted with the Schulze method (winning votes): 3 ballots, 1 of which expresses no preference.',
    ])
      assert.ok(draft.includes(line), `draft has: ${line}\n${draft}`);
    const last = (await t.service.ctx.store.audit.list({ electionKey: 'tsc', limit: 1 }))[0];
    assert.equal(last?.action, 'results.viewed');
    assert.equal(last.actor, 'olivia');
    // The overview now links to results and downloads and shows the trail, newest first.
    const overview = await c.get(`${ADMIN}/`);
    assert.match(overview.body, new RegExp(`href="${ADMIN}/results"`));
    assert.match(overview.body, new RegExp(`href="${ADMIN}/download"`));
    const audit = /<h2 id="audit">Audit trail<\/h2>([\s\S]*?)<h3 id="syncs">/.exec(overview.body)?.[1] ?? '';
    const shown = [...audit.matchAll(/<td>(olivia|Scrutin)<\/td><td>([^<]+)<\/td>/g)].map((m) => m[2]);
    assert.equal(shown[0], 'Viewed the results');
    assert.ok(shown.includes('Approved an exception request'));
    assert.ok(shown.indexOf('Viewed the results') < shown.indexOf('Approved an exception request'), 'newest first');
  });

  test('the downloads after the close: ballots CSV and results JSON, audited, and the audit never names a voter', async () => {
    t.setNow(AFTER);
    const c = await as('olivia');
    const csv = await c.get(`${ADMIN}/download`);
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['content-disposition'], 'attachment; filename="tsc-ballots.csv"');
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.split('\r\n');
    assert.equal(lines[0], 'ann,ben,cat,dan');
    assert.equal(lines.at(-1), '', 'ends with a line break');
    assert.deepEqual(lines.slice(1, -1).sort(), ['1,2,3,4', '1,3,2,4', 'No opinion,No opinion,No opinion,No opinion'].sort());
    const json = await c.get(`${ADMIN}/results.json`);
    assert.equal(json.statusCode, 200);
    assert.equal(json.headers['content-disposition'], 'attachment; filename="tsc-results.json"');
    const result = JSON.parse(json.body) as {
      winners: string[];
      ranking: string[][];
      ties: unknown[];
      candidates: Array<{ id: string; name: string }>;
      seats: number;
      ballots: number;
    };
    assert.deepEqual(result.winners, ['ann']);
    assert.deepEqual(result.ranking, [['ann'], ['ben', 'cat'], ['dan']]);
    assert.deepEqual(result.ties, [{ candidates: ['ben', 'cat'], firstSeat: 2, lastSeat: 2 }]);
    assert.deepEqual(result.candidates[0], { id: 'ann', name: 'Ann Archer' });
    assert.equal(result.seats, 2);
    assert.equal(result.ballots, 3);
    const actions = await auditActions();
    assert.ok(actions.includes('olivia ballots.downloaded'));
    assert.ok(actions.includes('olivia results.downloaded'));
    // Nothing in the whole trail names a voter or a ballot identifier.
    const everything = await sql<{ detail: string | null; actor: string | null }>`select detail, actor from scrutin_audit`.execute(
      t.service.ctx.store.db,
    );
    const voterIds = (await t.service.ctx.store.db.selectFrom('ballot').select('voter').distinct().execute()).map((r) => r.voter);
    for (const row of everything.rows) {
      for (const v of ['alice', 'bob', 'carol', ...voterIds])
        assert.ok(
          !(row.detail ?? '').toLowerCase().includes(v.toLowerCase()) && row.actor !== v,
          `audit entry mentions ${v}: ${row.detail ?? ''}`,
        );
    }
  });

  test('an election nobody voted in: the overview, an empty count with everyone tied, and an empty CSV', async () => {
    const c = await as('olivia');
    const overview = await c.get('/app/elections/quiet/admin/');
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /<strong>0<\/strong> of 2 eligible voters have voted \(<strong>0%<\/strong>\)/);
    assert.match(overview.body, /No exception requests\./);
    t.setNow(AFTER);
    await c.signIn('olivia');
    const results = await c.get('/app/elections/quiet/admin/results');
    assert.equal(results.statusCode, 200);
    assert.match(results.body, /<dt>Ballots counted<\/dt><dd>0<\/dd>/);
    assert.match(results.body, /No winner can be named from the count alone\./);
    assert.match(results.body, /<strong>Tie for seat 1:<\/strong> ANN, BEN and CAT are tied\./);
    assert.equal((await c.get('/app/elections/quiet/admin/download')).body, 'ann,ben,cat\r\n');
  });

  test('a HEAD request for a download sends nothing and records nothing', async () => {
    t.setNow(AFTER);
    const c = await as('olivia');
    const before = (await t.service.ctx.store.audit.list({ electionKey: 'tsc' })).length;
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const head = await t.service.app.inject({ method: 'HEAD', url: `${ADMIN}/download`, headers: { cookie } });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal((await t.service.ctx.store.audit.list({ electionKey: 'tsc' })).length, before);
  });

  test('an election whose files do not parse: its officers see the problems with file and line; no count, no voter list', async () => {
    const c = await as('olivia');
    const res = await c.get('/app/elections/broken/admin/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /This election&#39;s files have errors|This election's files have errors/);
    assert.match(res.body, /<code>elections\/broken\/election\.yaml:4<\/code>: end_datetime is not a date/);
    assert.equal((await c.get('/app/elections/broken/admin/voters.csv')).statusCode, 409);
    t.setNow(AFTER);
    await c.signIn('olivia');
    assert.equal((await c.get('/app/elections/broken/admin/results')).statusCode, 409);
    assert.equal((await c.get('/app/elections/broken/admin/download')).statusCode, 409);
    const voter = await as('alice');
    assert.equal((await voter.get('/app/elections/broken/admin/')).statusCode, 403);
  });

  test('Elekto-era voter rows count as voted (no time recorded), and voters off the list are counted apart', async () => {
    const store = t.service.ctx.store;
    const electionId = (await store.elections.findByKey('tsc'))!.id;
    const dave = await userOf('dave');
    const zed = await userOf('zed');
    // As Elekto wrote them: no created_at here, ballot rows of their own.
    await store.db
      .insertInto('voter')
      .values({ user_id: dave.id, election_id: electionId, created_at: null, updated_at: null, salt: null, ballot_id: null, kdf: null })
      .execute();
    await store.db
      .insertInto('voter')
      .values({
        user_id: zed.id,
        election_id: electionId,
        created_at: '2026-05-03 09:00:00',
        updated_at: null,
        salt: null,
        ballot_id: null,
        kdf: null,
      })
      .execute();
    try {
      const c = await as('olivia');
      const body = (await c.get(`${ADMIN}/`)).body;
      assert.match(body, /<strong>4<\/strong> of 6 eligible voters have voted/);
      assert.match(body, /1 more person voted who is not on the current voter list/);
      assert.match(body, /1 vote has no recorded time/);
      const voted = /Voted \((\d+)\)<\/summary>([\s\S]*?)<\/details>/.exec(body);
      assert.match(voted?.[2] ?? '', /<li>dave<\/li>/);
    } finally {
      await store.db.deleteFrom('voter').where('user_id', 'in', [dave.id, zed.id]).where('election_id', '=', electionId).execute();
    }
  });
});

describe('the officer area pages its long lists', () => {
  let t: TestApp;
  const crowd = makeElection({
    key: 'crowd',
    name: 'Crowded',
    startDatetime: START,
    endDatetime: END,
    voters: Array.from({ length: 450 }, (_, i) => `voter-${String(i).padStart(3, '0')}`),
    officers: ['olivia'],
  });
  before(async () => {
    t = await startTestApp({ now: DURING, snapshot: snapshotOf([entryOf(crowd)]) });
  });
  after(async () => {
    await t.close();
  });
  const waitingOf = (body: string) => /<details[^>]*id="waiting"[^>]*>([\s\S]*?)<\/details>/.exec(body)?.[1] ?? '';

  test('200 logins a page, links to the next and previous pages, a page past the end shows the last, nonsense is 400', async () => {
    const c = t.client();
    await c.signIn('olivia');
    const first = await c.get('/app/elections/crowd/admin/');
    assert.equal(first.statusCode, 200);
    const list = waitingOf(first.body);
    assert.match(list, /Not voted yet \(450\)/);
    assert.equal(list.split('<li>').length - 1, 200);
    assert.match(list, /voter-000/);
    assert.doesNotMatch(list, /voter-200/);
    assert.match(list, /<nav aria-label="Pages of voters who have not voted"/);
    assert.match(list, /Page 1 of 3 \(450\)/);
    assert.match(list, /href="\/app\/elections\/crowd\/admin\/\?waiting=2#waiting" rel="next"/);

    const last = waitingOf((await c.get('/app/elections/crowd/admin/?waiting=3')).body);
    assert.equal(last.split('<li>').length - 1, 50);
    assert.match(last, /voter-449/);
    assert.match(last, /href="\/app\/elections\/crowd\/admin\/\?waiting=2#waiting" rel="prev"/);
    assert.doesNotMatch(last, /rel="next"/);
    assert.match(waitingOf((await c.get('/app/elections/crowd/admin/?waiting=99')).body), /Page 3 of 3/);
    for (const bad of ['0', '-1', 'two', '1.5']) {
      assert.equal((await c.get(`/app/elections/crowd/admin/?waiting=${bad}`)).statusCode, 400, bad);
    }
  });

  test('the audit trail and the syncs, 50 and 10 a page: older entries on later pages, links keep the other lists, bad pages 400', async () => {
    const { store } = t.service.ctx;
    const at = new Date('2026-05-05T10:00:00Z');
    // 120 entries of this election written within one second, 23 syncs, and another election's entry.
    for (let i = 1; i <= 120; i++)
      await store.audit.append({ at, electionKey: 'crowd', actor: 'olivia', action: 'results.viewed', detail: `look ${i}` });
    for (let i = 1; i <= 23; i++)
      await store.audit.append({ at, electionKey: null, actor: 'sync', action: 'meta.sync', detail: `revision ${i}` });
    await store.audit.append({ at, electionKey: 'elsewhere', actor: 'oscar', action: 'results.viewed', detail: 'not crowd' });
    const c = t.client();
    await c.signIn('olivia');
    const trailOf = (body: string) => /<h2 id="audit">Audit trail<\/h2>([\s\S]*?)<h3 id="syncs">/.exec(body)?.[1] ?? '';
    const syncsOf = (body: string) => /<h3 id="syncs">([\s\S]*?)<\/section>/.exec(body)?.[1] ?? '';
    const looks = (html: string) => [...html.matchAll(/<td class="detail">look (\d+)<\/td>/g)].map((m) => Number(m[1]));
    const revisions = (html: string) => [...html.matchAll(/<td class="detail">revision (\d+)<\/td>/g)].map((m) => Number(m[1]));
    const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

    const first = await c.get('/app/elections/crowd/admin/');
    assert.equal(first.statusCode, 200);
    const trail = trailOf(first.body);
    assert.deepEqual(looks(trail), range(120, 71), 'the newest 50, newest first');
    assert.match(trail, /<nav aria-label="Pages of the audit trail" class="pager">/);
    assert.match(trail, /Page 1 of 3 \(120\)/);
    assert.match(trail, /href="\/app\/elections\/crowd\/admin\/\?audit=2#audit" rel="next"/);
    assert.doesNotMatch(trail, /rel="prev"/);
    assert.doesNotMatch(first.body, /not crowd/, "another election's entries are not in this trail");
    assert.deepEqual(revisions(syncsOf(first.body)), range(23, 14));
    assert.match(syncsOf(first.body), /Page 1 of 3 \(23\)/);
    assert.match(syncsOf(first.body), /href="\/app\/elections\/crowd\/admin\/\?syncs=2#syncs" rel="next"/);

    const second = await c.get('/app/elections/crowd/admin/?audit=2');
    assert.deepEqual(looks(trailOf(second.body)), range(70, 21), 'page 2 holds the next older entries');
    assert.match(trailOf(second.body), /href="\/app\/elections\/crowd\/admin\/#audit" rel="prev"/);
    assert.match(trailOf(second.body), /href="\/app\/elections\/crowd\/admin\/\?audit=3#audit" rel="next"/);
    assert.deepEqual(revisions(syncsOf(second.body)), range(23, 14), 'the syncs stay on their own page');

    const last = await c.get('/app/elections/crowd/admin/?audit=3&syncs=3&waiting=2');
    assert.deepEqual(looks(trailOf(last.body)), range(20, 1));
    assert.doesNotMatch(trailOf(last.body), /rel="next"/);
    assert.deepEqual(revisions(syncsOf(last.body)), [3, 2, 1]);
    assert.match(
      trailOf(last.body),
      /href="\/app\/elections\/crowd\/admin\/\?waiting=2&amp;audit=2&amp;syncs=3#audit" rel="prev"/,
      'the other lists stay on their pages',
    );
    assert.match(waitingOf(last.body), /href="\/app\/elections\/crowd\/admin\/\?waiting=3&amp;audit=3&amp;syncs=3#waiting" rel="next"/);

    const past = await c.get('/app/elections/crowd/admin/?audit=99999&syncs=100000');
    assert.equal(past.statusCode, 200);
    assert.match(trailOf(past.body), /Page 3 of 3 \(120\)/, 'a page past the end shows the last');
    assert.deepEqual(looks(trailOf(past.body)), range(20, 1));
    assert.match(syncsOf(past.body), /Page 3 of 3 \(23\)/);
    // As the other lists: past 100,000 (or not a positive whole number) is a mistake, said as such.
    for (const bad of ['0', '-1', 'abc', '1.5', '999999', '']) {
      for (const list of ['audit', 'syncs']) {
        const res = await c.get(`/app/elections/crowd/admin/?${list}=${bad}`);
        assert.equal(res.statusCode, 400, `${list}=${bad}`);
        assert.match(res.body, /A page of a list must be a positive whole number/);
      }
    }
  });
});
