// `scrutin tally --election KEY` as an operator runs it (in-process through the CLI
// dispatcher): the configured database and the meta repository clone, on each
// database; refusals before the end, for unknown or broken elections and without a
// clone, each in one line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli.js';
import type { CommandIO } from '../../src/commands/types.js';
import { NO_OPINION_RANK } from '../../src/core/tally/index.js';
import { Store } from '../../src/storage/store.js';
import { dialects, freshDatabase, type TestDatabase } from '../helpers/db.js';
import { copyFixture, tempDir } from '../metarepo/fixture.js';

const DASHES = '-'.repeat(61);

function candidate(id: string, name: string): string {
  return `${DASHES}\nname: ${name}\nID: ${id}\ninfo:\n  - employer: Example\n${DASHES}\n\nA short bio.\n`;
}

/** Adds a small election folder to the copied meta repository. */
function addElection(root: string, dir: string, yaml: string, candidates: Array<[string, string]>): void {
  const path = join(root, 'elections', dir);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'election.yaml'), yaml);
  writeFileSync(join(path, 'voters.yaml'), 'eligible_voters:\n  - alice\n  - bob\n  - carol\n');
  for (const [id, name] of candidates) writeFileSync(join(path, `candidate-${id}.md`), candidate(id, name));
}

function electionYaml(name: string, start: string, end: string, seats: number): string {
  return `name: ${name}\norganization: Example\nstart_datetime: ${start}\nend_datetime: ${end}\nno_winners: ${seats}\nallow_no_opinion: True\ndelete_after: False\nshow_candidate_fields:\nelection_officers:\n  - olivia\neligibility: Everyone.\nexception_description: Ask.\n`;
}

for (const kind of dialects()) {
  describe(`scrutin tally --election on ${kind}`, () => {
    let database: TestDatabase;
    let meta: { path: string; cleanup: () => void };
    let work: { path: string; cleanup: () => void };
    let store: Store;

    async function castDirect(key: string, name: string, ballot: Record<string, number>): Promise<void> {
      const electionId = await store.elections.ensure(key, name, new Date('2023-08-10T00:00:00Z'));
      const user = await store.users.recordSignIn({
        login: `v-${randomUUID().slice(0, 8)}`,
        name: null,
        githubId: null,
        now: new Date('2023-08-10T00:00:00Z'),
      });
      await store.transaction((tx) =>
        tx.ballots.cast({
          userId: user.id,
          login: user.login,
          electionId,
          at: new Date('2023-08-10T00:00:00Z'),
          voterId: randomUUID(),
          link: null,
          rows: Object.entries(ballot).map(([candidate, rank]) => ({ candidate, rank })),
        }),
      );
    }

    async function tally(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const io: CommandIO = {
        out: (s) => {
          out += s.endsWith('\n') ? s : `${s}\n`;
        },
        err: (s) => {
          err += s.endsWith('\n') ? s : `${s}\n`;
        },
        env: { DATABASE_URL: database.url, META_PATH: meta.path, ELECTION_DIR: 'elections', ...env },
        cwd: work.path,
      };
      const code = await run(['tally', ...args], io);
      return { code, out, err };
    }

    before(async () => {
      meta = tempDir();
      work = tempDir('scrutin-tally-election-');
      copyFixture(meta.path);
      addElection(meta.path, '2022/board', electionYaml('Board 2022', '2022-03-01 00:00:00', '2022-03-10 00:00:00', 2), [
        ['ann', 'Ann Archer'],
        ['ben', 'Ben Brook'],
        ['cat', 'Cat Cole'],
        ['dan', 'Dan Dale'],
      ]);
      addElection(meta.path, '2099/future', electionYaml('Future', '2099-01-01 00:00:00', '2099-02-01 00:00:00', 1), [
        ['x', 'X'],
        ['y', 'Y'],
      ]);
      addElection(meta.path, 'running', electionYaml('Running', '2020-01-01 00:00:00', '2099-02-01 00:00:00', 1), [
        ['x', 'X'],
        ['y', 'Y'],
      ]);
      // Paketo 2026: a 5-5 tie for the last seat, with a seed the officers declared before voting.
      addElection(
        meta.path,
        '2026/paketo',
        `${electionYaml('Paketo Steering 2026', '2026-01-01 00:00:00', '2026-01-10 00:00:00', 2)}tie_break:\n  method: seeded-hash\n  seed: "paketo-2026-steering"\n`,
        [
          ['ann', 'Ann Archer'],
          ['ben', 'Ben Brook'],
          ['cat', 'Cat Cole'],
        ],
      );
      addElection(
        meta.path,
        '2026/otel',
        `${electionYaml('OTel GC 2026', '2026-01-01 00:00:00', '2026-01-10 00:00:00', 1)}ballot_method: approval\nmax_selections: 2\n`,
        [
          ['ann', 'Ann Archer'],
          ['ben', 'Ben Brook'],
          ['cat', 'Cat Cole'],
        ],
      );
      mkdirSync(join(meta.path, 'elections', 'broken'));
      writeFileSync(
        join(meta.path, 'elections', 'broken', 'election.yaml'),
        'name: Broken\nstart_datetime: 2020-01-01 00:00:00\nend_datetime: [not, a, date]\n',
      );
      database = await freshDatabase(kind);
      store = Store.open(database.config);
      await store.migrate();
      // name_the_app: four ballots giving the published result (elekto; delectus; e6n = Ribemont; Not CIVS).
      const N = NO_OPINION_RANK;
      await castDirect('name_the_app', 'Select The Name of the Application', { elekto: 1, delectus: 2, e6n: 3, ribemont: 4, notcivs: 5 });
      await castDirect('name_the_app', 'Select The Name of the Application', { elekto: 1, delectus: 2, e6n: 4, ribemont: 3, notcivs: 5 });
      await castDirect('name_the_app', 'Select The Name of the Application', { elekto: 2, delectus: 1, e6n: 3, ribemont: 3, notcivs: 4 });
      await castDirect('name_the_app', 'Select The Name of the Application', { elekto: 1, delectus: 2, e6n: 3, ribemont: 3, notcivs: N });
      // Board: ann first everywhere; ben over cat on 2 of 3; dan last.
      await castDirect('2022---board', 'Board 2022', { ann: 1, ben: 2, cat: 3, dan: 4 });
      await castDirect('2022---board', 'Board 2022', { ann: 1, ben: 2, cat: 3, dan: 4 });
      await castDirect('2022---board', 'Board 2022', { ann: 1, ben: 3, cat: 2, dan: N });
      for (let i = 0; i < 5; i++) await castDirect('2026---paketo', 'Paketo Steering 2026', { ann: 1, ben: 2, cat: 3 });
      for (let i = 0; i < 5; i++) await castDirect('2026---paketo', 'Paketo Steering 2026', { ann: 1, ben: 3, cat: 2 });
      // Approval ballots as the form stores them: rank 1 approved, no opinion otherwise.
      await castDirect('2026---otel', 'OTel GC 2026', { ann: 1, ben: 1, cat: N });
      await castDirect('2026---otel', 'OTel GC 2026', { ann: N, ben: 1, cat: N });
      await castDirect('2026---otel', 'OTel GC 2026', { ann: N, ben: N, cat: 1 });
    });
    after(async () => {
      await store.close();
      await database.drop();
      meta.cleanup();
      work.cleanup();
    });

    test("counts a completed election from the database with names: the Elekto sample's published result", async () => {
      const text = await tally(['--election', 'name_the_app']);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /4 ballots, 5 candidates, 1 seat/);
      assert.match(text.out, /^Winner: elekto$/m);
      assert.match(text.out, /3\. e6n {2}\(tied\)/);
      assert.match(text.out, /Not CIVS \(notcivs\)/);

      const json = await tally(['--election', 'name_the_app', '--format', 'json']);
      assert.equal(json.code, 0, json.err);
      const result = JSON.parse(json.out) as {
        ranking: string[][];
        winners: string[];
        seats: number;
        candidates: Array<{ id: string; name: string }>;
      };
      assert.deepEqual(result.ranking, [['elekto'], ['delectus'], ['e6n', 'ribemont'], ['notcivs']]);
      assert.deepEqual(result.winners, ['elekto']);
      assert.deepEqual(
        result.candidates.map((c) => c.id),
        ['delectus', 'e6n', 'elekto', 'notcivs', 'ribemont'],
        "the CSV download's column order",
      );
      assert.equal(result.candidates.find((c) => c.id === 'notcivs')?.name, 'Not CIVS');

      const markdown = await tally(['--election', 'name_the_app', '--format', 'markdown']);
      assert.match(markdown.out, /^# Select The Name of the Application: results$/m);

      const trail = await store.audit.list({ electionKey: 'name_the_app' });
      assert.ok(trail.some((e) => e.action === 'results.counted' && e.actor === 'scrutin tally'));
    });

    test('the seats default to no_winners from election.yaml; --winners overrides it', async () => {
      const byDefault = JSON.parse((await tally(['--election', '2022---board', '--format', 'json'])).out) as {
        seats: number;
        winners: string[];
        ballots: number;
      };
      assert.equal(byDefault.seats, 2);
      assert.equal(byDefault.ballots, 3);
      assert.deepEqual(byDefault.winners, ['ann', 'ben']);
      const one = JSON.parse((await tally(['--election', '2022---board', '--winners', '1', '--format', 'json'])).out) as {
        seats: number;
        winners: string[];
      };
      assert.equal(one.seats, 1);
      assert.deepEqual(one.winners, ['ann']);
    });

    test('the Paketo 5-5 tie: --election applies the declared seed, and anyone recomputes it from the ballots CSV', async () => {
      const stored = await tally(['--election', '2026---paketo']);
      assert.equal(stored.code, 0, stored.err);
      assert.match(stored.out, /Tie broken: Ben Brook and Cat Cole were tied; seeded-hash draw with seed "paketo-2026-steering"/);
      const json = JSON.parse((await tally(['--election', '2026---paketo', '--format', 'json'])).out) as {
        winners: string[];
        seating: { tieBreaks: { candidates: string[]; elected: string[] }[] };
      };
      assert.equal(json.winners.length, 2);
      assert.equal(json.winners[0], 'ann');
      assert.deepEqual(json.seating.tieBreaks[0]?.candidates, ['ben', 'cat']);
      // The same ballots as the officers' CSV, counted by anyone with the published seed.
      const csv = ['ann,ben,cat', ...Array.from({ length: 5 }, () => '1,2,3'), ...Array.from({ length: 5 }, () => '1,3,2'), ''].join('\n');
      writeFileSync(join(work.path, 'paketo.csv'), csv);
      const recount = JSON.parse(
        (await tally(['paketo.csv', '--seats', '2', '--tie-break-seed', 'paketo-2026-steering', '--format', 'json'])).out,
      ) as { winners: string[] };
      assert.deepEqual(recount.winners, json.winners, 'the same winner from the CSV and the seed');
      const without = JSON.parse((await tally(['paketo.csv', '--seats', '2', '--format', 'json'])).out) as {
        winners: string[];
        ties: unknown[];
      };
      assert.deepEqual(without.winners, ['ann'], 'without the seed the tie stays unbroken');
      assert.equal(without.ties.length, 1);
    });

    test("--election follows the election's ballot_method: an approval count", async () => {
      const text = await tally(['--election', '2026---otel']);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /^Approval count: 3 ballots, 3 candidates, 1 seat; at most 2 approvals per ballot\./m);
      assert.match(text.out, /^Winner: Ben Brook$/m);
    });

    test('refuses before the end, with the end time', async () => {
      const future = await tally(['--election', '2099---future']);
      assert.equal(future.code, 1);
      assert.equal(
        future.err,
        'scrutin tally: election "2099---future" has not started yet (voting runs from 2099-01-01 00:00 UTC): ballots are counted once voting closes at 2099-02-01 00:00 UTC\n',
      );
      const running = await tally(['--election', 'running']);
      assert.equal(running.code, 1);
      assert.match(running.err, /election "running" is still running: ballots are counted once voting closes at 2099-02-01 00:00 UTC/);
      assert.equal(running.out, '');
    });

    test('an unknown key, a broken election and a missing clone each get one clear line', async () => {
      const unknown = await tally(['--election', '2021---gb']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.err, /no election "2021---gb" in .*elections \(there are .*2021---GB.*\)/);
      assert.equal(unknown.err.trimEnd().split('\n').length, 1);
      const broken = await tally(['--election', 'broken']);
      assert.equal(broken.code, 1);
      assert.match(broken.err, /election "broken" has errors in its meta files: elections\/broken\/election\.yaml:\d+: /);
      const noClone = await tally(['--election', 'name_the_app'], { META_PATH: join(work.path, 'missing-clone') });
      assert.equal(noClone.code, 1);
      assert.match(noClone.err, /no meta repository clone at .*missing-clone \(META_PATH\): run `scrutin sync` first/);
    });

    test('stored ballots naming a candidate the meta repository no longer lists are not counted', async () => {
      await castDirect('2022---board', 'Board 2022', { ann: 1, ben: 2, cat: 3, dan: 4, zed: 5 });
      try {
        const res = await tally(['--election', '2022---board']);
        assert.equal(res.code, 1);
        assert.match(res.err, /Stored ballots rank a candidate this election no longer lists: zed\. Restore its candidate file/);
      } finally {
        const row = await store.elections.findByKey('2022---board');
        const zed = await store.db.selectFrom('ballot').select('voter').where('candidate', '=', 'zed').executeTakeFirstOrThrow();
        await store.db.deleteFrom('ballot').where('voter', '=', zed.voter).where('election_id', '=', row!.id).execute();
      }
    });
  });
}
