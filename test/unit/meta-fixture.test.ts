// The real Elekto sample repository parses unchanged, with the values Elekto gives
// it (dates in UTC, `exceptions_due` ignored with a warning, null fields).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import type { Election, ElectionEntry } from '../../src/core/meta/types.js';
import { fixtureFolder } from '../metarepo/fixture.js';

function ok(entry: ElectionEntry): Election {
  assert.equal(entry.ok, true, `expected ${entry.key} to parse: ${JSON.stringify(entry.problems)}`);
  assert.ok(entry.ok);
  return entry.election;
}

test('fixture 2021/GB: key, dates as UTC, booleans, officers, voters, candidates', () => {
  const entry = parseElectionFolder(fixtureFolder('2021', 'GB'));
  assert.equal(entry.key, '2021---GB');
  assert.equal(entry.dir, 'elections/2021/GB');
  assert.deepEqual(
    entry.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const e = ok(entry);
  assert.equal(e.name, 'Select our 2021 General Board Rep');
  assert.equal(e.organization, 'Kubernetes');
  // `start_datetime: 2023-08-01 00:00:01` has no zone: UTC.
  assert.equal(e.startDatetime.toISOString(), '2023-08-01T00:00:01.000Z');
  assert.equal(e.endDatetime.toISOString(), '2023-08-22T23:59:00.000Z');
  assert.equal(e.exceptionDue.toISOString(), '2023-08-13T10:00:00.000Z');
  assert.equal(e.noWinners, 1);
  assert.equal(e.allowNoOpinion, true);
  assert.equal(e.deleteAfter, true);
  assert.deepEqual(e.showCandidateFields, ['employer']);
  assert.deepEqual(e.officers, ['kalkayan', 'jberkus', 'mrbobbytables']);
  assert.equal(e.voters.length, 8);
  assert.ok(e.voterSet.has('parispittman'));
  assert.deepEqual(
    e.candidates.map((c) => c.id),
    ['aaron', 'dims', 'paris'],
  );
  const paris = e.candidates.find((c) => c.id === 'paris')!;
  assert.equal(paris.name, 'Paris Pittman');
  assert.deepEqual(paris.info, [{ key: 'employer', value: 'Apple' }]);
  assert.equal(paris.file, 'elections/2021/GB/candidate-paris.md');
  assert.match(e.descriptionHtml, /<h2>Select our GB Rep<\/h2>/);
  assert.match(e.descriptionHtml, /<a href="https:\/\/github\.com\/elekto-io\/elekto\/issues\/3"/);
  assert.match(e.resultsHtml ?? '', /Winner: Paris Pittman/);
  assert.match(e.eligibilityHtml, /Members of the Steering Committee may vote/);
});

test('fixture 2021/TOC: two info fields, no results.md, README and template ignored', () => {
  const entry = parseElectionFolder(fixtureFolder('2021', 'TOC'));
  const e = ok(entry);
  assert.equal(e.key, '2021---TOC');
  assert.equal(e.noWinners, 4);
  assert.equal(e.resultsHtml, null);
  assert.deepEqual(e.showCandidateFields, ['employer', 'slack']);
  assert.deepEqual(
    e.candidates.map((c) => c.id),
    ['jberkus', 'lachie83'],
  );
  const josh = e.candidates[0]!;
  assert.deepEqual(josh.info, [
    { key: 'employer', value: 'Elekto' },
    { key: 'slack', value: 'jberkus' },
  ]);
  // The bio opens with an HTML comment (template instructions): it must neither
  // reach the page as HTML nor be shown as text.
  assert.match(josh.bioMarkdown, /^<!-- Please make a copy/);
  assert.doesNotMatch(josh.bioHtml, /<!--/);
  assert.doesNotMatch(josh.bioHtml, /Please make a copy/);
  assert.match(josh.bioHtml, /<h3>SIGS<\/h3>/);
  // Warnings only: more seats than candidates so far, exceptions due after the end.
  assert.deepEqual(
    entry.problems.map((p) => [p.severity, p.line]),
    [
      ['warning', 5],
      ['warning', 17],
    ],
  );
  assert.deepEqual(e.warnings, entry.problems);
});

test('fixture name_the_app: `exceptions_due` ignored as Elekto ignores it, null show_candidate_fields, list-form info at column 0', () => {
  const entry = parseElectionFolder(fixtureFolder('name_the_app'));
  const e = ok(entry);
  assert.equal(e.key, 'name_the_app');
  // Elekto reads only `exception_due`: exception requests close at the start, and officers are told why.
  assert.deepEqual(
    entry.problems.map((p) => [p.severity, p.line, p.code]),
    [['warning', 15, 'misspelt-key']],
  );
  assert.match(entry.problems[0]?.message ?? '', /did you mean "exception_due"/);
  assert.equal(e.exceptionDue.toISOString(), '2023-08-02T00:00:00.000Z');
  assert.equal(e.startDatetime.toISOString(), '2023-08-02T00:00:00.000Z');
  assert.deepEqual(e.showCandidateFields, []);
  assert.equal(e.deleteAfter, false);
  assert.deepEqual(e.officers, ['kalkayan', 'jberkus', '007vedant']);
  assert.deepEqual(
    e.candidates.map((c) => c.id),
    ['delectus', 'e6n', 'elekto', 'notcivs', 'ribemont'],
  );
  assert.equal(e.candidates.find((c) => c.id === 'notcivs')?.name, 'Not CIVS');
  assert.deepEqual(e.candidates.find((c) => c.id === 'elekto')?.info, [{ key: 'Language', value: 'Esperanto' }]);
  // Logins compare case-insensitively; the written spelling is kept for display.
  assert.ok(e.voters.includes('SergeyKanzhelev'));
  assert.ok(e.voterSet.has('sergeykanzhelev'));
  assert.ok(!e.voterSet.has('SergeyKanzhelev'));
});
