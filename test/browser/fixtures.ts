// A small, realistic set of elections for the browser tests, the screenshots and the
// HTTP benchmark: one running, one closed with published results, one upcoming.
import type { Candidate, Election } from '../../src/core/meta/types.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';

export const NOW = new Date('2026-03-10T15:30:00Z');
const day = 86_400_000;

function bio(name: string, focus: string): string {
  return `<h2>About me</h2><p>I have contributed to the project for five years, mostly on ${focus}. I review pull requests every week and help new contributors find their first issue.</p><h2>What I would do</h2><ul><li>Keep releases predictable and well documented.</li><li>Make it easier for new maintainers to join.</li><li>Report openly on what the committee decides and why.</li></ul><p>Thank you for reading, and for voting. — ${name}</p>`;
}

function person(id: string, name: string, employer: string, focus: string): Candidate {
  return makeCandidate(id, name, {
    info: [
      { key: 'employer', value: employer },
      { key: 'slack', value: `@${id}` },
      { key: 'github', value: id },
    ],
    bioMarkdown: 'bio',
    bioHtml: bio(name, focus),
  });
}

export const steering: Election = makeElection({
  key: '2026---steering',
  name: 'Steering Committee Election 2026',
  organization: 'Example Project',
  startDatetime: new Date(NOW.getTime() - 5 * day),
  endDatetime: new Date(NOW.getTime() + 9 * day),
  exceptionDue: new Date(NOW.getTime() + 4 * day),
  noWinners: 3,
  showCandidateFields: ['employer', 'slack'],
  voters: ['Alice-Voter', 'bob', 'carol', 'dave', 'erin'],
  officers: ['olivia'],
  descriptionHtml:
    '<p>Three seats on the Steering Committee are up for election this year. The committee sets the project\'s direction, approves new sub-projects and manages the budget.</p><p>Rank every candidate you have an opinion on. The count uses the <a href="https://en.wikipedia.org/wiki/Schulze_method">Schulze method</a>.</p>',
  eligibilityHtml: '<p>Contributors with at least 50 contributions in the last year, and all current maintainers, may vote.</p>',
  exceptionDescriptionHtml:
    '<p>If you contributed in ways our statistics do not count (events, mentoring, documentation reviews), tell us about it and the officers will consider adding you to the voter list.</p>',
  candidates: [
    person('ada', 'Ada Okafor', 'Northwind Labs', 'the scheduler'),
    person('bruno', 'Bruno Silva', 'Independent', 'documentation'),
    person('chen', 'Chen Wei', 'Contoso', 'release engineering'),
    person('dana', 'Dana Kowalski', 'Fabrikam', 'security reviews'),
    makeCandidate('emil', 'Emil Larsen', { info: [{ key: 'employer', value: 'Tailspin' }] }),
  ],
});

export const toc: Election = makeElection({
  key: '2025---toc',
  name: 'Technical Oversight Committee 2025',
  organization: 'Example Project',
  startDatetime: new Date(NOW.getTime() - 120 * day),
  endDatetime: new Date(NOW.getTime() - 100 * day),
  noWinners: 2,
  voters: ['Alice-Voter', 'bob'],
  officers: ['olivia'],
  candidates: [
    person('fay', 'Fay Moreau', 'Globex', 'APIs'),
    person('gus', 'Gus Ito', 'Initech', 'testing'),
    person('hana', 'Hana Novak', 'Umbrella', 'performance'),
  ],
  resultsHtml:
    "<h2>Winners</h2><ol><li>Fay Moreau</li><li>Hana Novak</li></ol><p>412 ballots were cast. The full count, with the pairwise preferences, is in the officers' report.</p>",
});

export const mascot: Election = makeElection({
  key: 'mascot',
  name: 'Name the mascot',
  organization: 'Example Project',
  startDatetime: new Date(NOW.getTime() + 12 * day),
  endDatetime: new Date(NOW.getTime() + 26 * day),
  exceptionDue: new Date(NOW.getTime() + 12 * day),
  voters: ['Alice-Voter', 'bob', 'carol'],
  officers: ['olivia'],
  candidates: [makeCandidate('pip', 'Pip'), makeCandidate('zed', 'Zed')],
});

export function demoSnapshot() {
  return snapshotOf([entryOf(steering), entryOf(toc), entryOf(mascot)], 'abc123', NOW);
}
