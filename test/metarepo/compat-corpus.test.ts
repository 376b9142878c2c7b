// The compatibility corpus (test/fixtures/elekto-oddities): one small election per
// oddity that Elekto served and real communities' repositories hold (issue 13). Every
// fixture goes through the loader: the election is available, its candidates and
// voters are what Elekto would show, and the warning is there with its file and line.
// Then, through the server: a ballot works where Elekto's did (the documented answer
// where it did not), the profile links work, and the warnings are on the election page
// for its officers only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { phaseAt } from '../../src/core/election/phase.js';
import type { Election, MetaSnapshot } from '../../src/core/meta/types.js';
import { loadSnapshot } from '../../src/metarepo/load.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tableCounts } from '../helpers/ballotHarness.js';
import { tempDir } from './fixture.js';
import { cpSync } from 'node:fs';

const CORPUS = fileURLToPath(new URL('../fixtures/elekto-oddities', import.meta.url));
/** Inside every fixture's voting window (1 to 15 March 2030). */
const NOW = new Date('2030-03-05T12:00:00Z');

interface Expected {
  /** [ID on the ballot, name shown], by ID. */
  candidates: [string, string][];
  voters: string[];
  /** [file in the folder, line, code] of every warning, in file and line order. */
  warnings: [string, number | null, string][];
  /** Whether an eligible voter can cast a ballot at NOW. */
  votable: boolean;
  check?: (e: Election) => void;
}

const AB: [string, string][] = [
  ['ann', 'Ann Example'],
  ['ben', 'Ben Example'],
];
const VOTERS = ['alice', 'bob'];

const EXPECTED: Record<string, Expected> = {
  '1-id-differs': {
    candidates: [
      ['ann', 'Ann Example'],
      ['gerg', 'Greg Cobb'],
    ],
    voters: VOTERS,
    warnings: [['candidate-cobb.md', 3, 'candidate-id-mismatch']],
    votable: true,
    check: (e) => assert.equal(e.candidates.find((c) => c.id === 'gerg')?.fileId, 'cobb'),
  },
  '2-name-missing': {
    // Elekto shows "None" for the empty name and nothing for `Name:`.
    candidates: [
      ['smoser', 'Simon Moser'],
      ['stmc', 'stmc'],
    ],
    voters: VOTERS,
    warnings: [
      ['candidate-smoser.md', 2, 'candidate-key-case'],
      ['candidate-stmc.md', 2, 'candidate-name-missing'],
    ],
    votable: true,
  },
  '3-voters-not-logins': {
    // Nobody can sign in as an e-mail address or a name with spaces; Bob/bob is one login.
    candidates: AB,
    voters: ['alice', 'Bob'],
    warnings: [
      ['voters.yaml', 3, 'voter-not-login'],
      ['voters.yaml', 4, 'voter-not-login'],
      ['voters.yaml', 6, 'duplicate-login'],
    ],
    votable: true,
  },
  '4-exceptions-due': {
    candidates: AB,
    voters: VOTERS,
    warnings: [['election.yaml', 14, 'misspelt-key']],
    votable: true,
    // Elekto ignores the misspelt key: exception requests close when voting opens.
    check: (e) => assert.equal(e.exceptionDue.toISOString(), e.startDatetime.toISOString()),
  },
  '5-empty-file-id': {
    candidates: [
      ['ann', 'Ann Example'],
      ['dana', 'Dana Example'],
    ],
    voters: VOTERS,
    warnings: [['candidate-.md', null, 'candidate-file-name']],
    votable: true,
  },
  '6-markdown': {
    candidates: AB,
    voters: VOTERS,
    warnings: [['election_desc.md', 5, 'markdown-raw-html']],
    votable: true,
    check: (e) => {
      assert.match(
        e.resultsHtml ?? '',
        /<p>The rest of the candidates were placed as follows:<\/p>\n<ol start="2">\n<li>Ben Example<\/li>\n<\/ol>/,
      );
      assert.match(e.descriptionHtml, /H<sub>2<\/sub>O, x<sup>2<\/sup>, 10<sup>3<\/sup> voters\.<br \/>A line break\./);
      assert.match(e.descriptionHtml, /&lt;script&gt;alert\(1\)&lt;\/script&gt; stays text/);
      assert.doesNotMatch(e.descriptionHtml, /href="javascript/);
      assert.match(e.candidates[0]?.bioHtml ?? '', /maintainer<sup>1<\/sup>\.<br \/>Next line\./);
    },
  },
  '7-end-before-start': {
    // Elekto: upcoming, then completed from the start; never a ballot. delete_after waits.
    candidates: AB,
    voters: VOTERS,
    warnings: [
      ['election.yaml', 4, 'no-voting-window'],
      ['election.yaml', 14, 'exception-due-after-end'],
    ],
    votable: false,
    check: (e) => {
      assert.equal(phaseAt(e, NOW), 'completed');
      assert.equal(e.deleteAfter, false);
    },
  },
  '7-voters-bare-list': {
    // Elekto fails on voters['eligible_voters']: the election is shown, nobody can vote.
    candidates: AB,
    voters: [],
    warnings: [['voters.yaml', 1, 'voters-not-a-map']],
    votable: false,
  },
  '8-reserved-characters': {
    candidates: AB,
    voters: VOTERS,
    warnings: [['candidate-ann.md', 6, 'yaml-reserved-character']],
    votable: true,
    check: (e) =>
      assert.deepEqual(e.candidates[0]?.info, [
        { key: 'employer', value: 'Acme' },
        { key: 'twitter', value: '@annexample' },
      ]),
  },
  '9-fenced-header': {
    candidates: AB,
    voters: VOTERS,
    warnings: [['candidate-ann.md', 3, 'candidate-header-fenced']],
    votable: true,
  },
  '10-no-header': {
    candidates: [
      ['ann', 'Ann Example'],
      ['salaboy', 'salaboy'],
    ],
    voters: VOTERS,
    warnings: [
      ['candidate-salaboy.md', 1, 'candidate-no-header'],
      ['candidate-salaboy.md', 1, 'show-field-missing'],
    ],
    votable: true,
    check: (e) => assert.match(e.candidates.find((c) => c.id === 'salaboy')?.bioHtml ?? '', /I have worked on the project since 2019/),
  },
};

describe('every fixture of the corpus through the loader', () => {
  let snapshot: MetaSnapshot;
  before(async () => {
    snapshot = await loadSnapshot({ root: CORPUS, electionDir: 'elections' });
  });

  test('each folder of the corpus has its expectations, and each expectation its folder', () => {
    assert.deepEqual(readdirSync(join(CORPUS, 'elections')).sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual([...snapshot.entries.keys()].sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual(snapshot.problems, []);
  });

  for (const [key, expected] of Object.entries(EXPECTED)) {
    test(`${key}: available, as Elekto shows it, with the warning at its line`, () => {
      const entry = snapshot.entries.get(key);
      assert.ok(entry?.ok, JSON.stringify(entry?.problems, null, 1));
      const e = entry.election;
      assert.deepEqual(
        e.candidates.map((c) => [c.id, c.name]),
        expected.candidates,
      );
      assert.deepEqual(e.voters, expected.voters);
      const dir = `elections/${key}/`;
      assert.ok(entry.problems.every((p) => p.file.startsWith(dir) && p.severity === 'warning'));
      assert.deepEqual(
        entry.problems.map((p) => [p.file.slice(dir.length), p.line ?? null, p.code]),
        expected.warnings,
      );
      assert.equal(phaseAt(e, NOW) === 'running' && e.voters.length > 0, expected.votable);
      expected.check?.(e);
    });
  }

  test('a file name ending in an invisible mark (candidate-x.md + U+200E) is read, not dropped, with a warning', async () => {
    const tmp = tempDir('scrutin-corpus-');
    try {
      cpSync(join(CORPUS, 'elections', '9-fenced-header'), join(tmp.path, 'elections', 'x'), { recursive: true });
      renameSync(join(tmp.path, 'elections', 'x', 'candidate-ben.md'), join(tmp.path, 'elections', 'x', 'candidate-ben.md\u200e'));
      const entry = (await loadSnapshot({ root: tmp.path, electionDir: 'elections' })).entries.get('x');
      assert.ok(entry?.ok);
      assert.deepEqual(
        entry.election.candidates.map((c) => c.id),
        ['ann', 'ben'],
      );
      assert.ok(entry.problems.some((p) => p.code === 'candidate-file-name' && p.file === 'elections/x/candidate-ben.md\u200e'));
    } finally {
      tmp.cleanup();
    }
  });
});

describe("the corpus served: ballots, profiles and the officers' warnings", () => {
  let t: TestApp;
  let snapshot: MetaSnapshot;
  before(async () => {
    snapshot = await loadSnapshot({ root: CORPUS, electionDir: 'elections' });
    t = await startTestApp({ now: NOW, snapshot });
  });
  after(async () => {
    await t.close();
  });

  for (const [key, expected] of Object.entries(EXPECTED)) {
    test(`${key}: ${expected.votable ? 'a working ballot' : 'no ballot, as in Elekto'}, and the warnings on the page for officers only`, async () => {
      const voter = t.client();
      await voter.signIn('alice');
      const vote = `/app/elections/${key}/vote`;
      const form = await voter.get(vote);
      if (expected.votable) {
        assert.equal(form.statusCode, 200, form.body.slice(0, 300));
        for (const [id] of expected.candidates) assert.match(form.body, new RegExp(`name="candidate@${id}"`));
        const ranks = Object.fromEntries(expected.candidates.map(([id], i) => [`candidate@${id}`, String(i + 1)]));
        const cast = await voter.post(vote, { ...ranks, password: '' }, { csrfFrom: vote });
        assert.equal(cast.statusCode, 303, cast.body.slice(0, 500));
        assert.deepEqual(await tableCounts(t.service.ctx.store, key), { voters: 1, ballotRows: expected.candidates.length, ballots: 1 });
      } else {
        assert.equal(form.statusCode, 403);
        assert.deepEqual(await tableCounts(t.service.ctx.store, key), { voters: 0, ballotRows: 0, ballots: 0 });
      }
      const seenByVoter = await voter.get(`/app/elections/${key}`);
      assert.equal(seenByVoter.statusCode, 200);
      assert.doesNotMatch(seenByVoter.body, /Warnings in this election(?:'|&#39;)s files/);

      const officer = t.client();
      await officer.signIn('olivia');
      const page = await officer.get(`/app/elections/${key}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Warnings in this election(?:'|&#39;)s files/);
      for (const [file, line] of expected.warnings) {
        const where = `elections/${key}/${file}${line === null ? '' : `:${line}`}`;
        assert.ok(page.body.includes(`<code>${where}</code>`), `${where} on the officers' page`);
      }
    });
  }

  test('a candidate whose ID differs from its file name: the profile answers to both IDs, and the page links the ballot ID', async () => {
    const c = t.client();
    await c.signIn('bob');
    for (const id of ['gerg', 'cobb']) {
      const res = await c.get(`/app/elections/1-id-differs/candidates/${id}`);
      assert.equal(res.statusCode, 200, id);
      assert.match(res.body, /<h1>Greg Cobb<\/h1>/);
    }
    assert.equal((await c.get('/app/elections/1-id-differs/candidates/nobody')).statusCode, 404);
    assert.match((await c.get('/app/elections/1-id-differs')).body, /href="\/app\/elections\/1-id-differs\/candidates\/gerg"/);
  });

  test('turnout counts only the entries someone can sign in as: 2 eligible where voters.yaml has 5 lines', async () => {
    const officer = t.client();
    await officer.signIn('olivia');
    const page = await officer.get('/app/elections/3-voters-not-logins/admin/');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /of 2 eligible voters have voted/);
    assert.match(page.body, /kbassett@example\.com/, 'the left-out entry is named among the warnings');
  });
});
