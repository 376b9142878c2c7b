import type { ElectionCount } from '../app/officer/countElection.js';
import type { Election } from '../core/meta/types.js';
import type { PublishedBallots } from '../core/officer/publishedBallots.js';
import { percent } from '../core/officer/resultsDraft.js';
import { ballotSummary } from './ballotSummary.js';
import { When } from './components/When.js';
import { Layout } from './Layout.js';
import { CountSections } from './officer/OfficerResultsPage.js';
import type { PageContext } from './page.js';

/** Beyond this many ballots the list is left to the CSV (the page stays small). */
export const PAGE_BALLOT_LIMIT = 2000;

export interface PublishedResultsProps {
  ctx: PageContext;
  election: Election;
  count: ElectionCount;
  publication: { at: Date; ballots: number; sha256: string };
  /** The published ballots, when the election has receipt codes (the public list). */
  ballots: PublishedBallots | null;
  officerStylesheet: string;
}

/** Results for everyone, once the officers published them: the same count as theirs, and the ballots. */
export function PublishedResultsPage({ ctx, election, count, publication, ballots, officerStylesheet }: PublishedResultsProps) {
  const key = election.key;
  const names = count.names;
  const csvUrl = `/elections/${key}/ballots.csv`;
  const method = count.method === 'schulze' ? '' : ` --method ${count.method}`;
  const share = percent(count.ballots, election.voters.length);
  return (
    <Layout
      ctx={ctx}
      title={`Results · ${election.name}`}
      script
      stylesheet={officerStylesheet}
      crumbs={[
        ['Elections', '/elections'],
        [election.name, `/elections/${key}`],
        ['Results', `/elections/${key}/results`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.organization ?? 'Election'}</p>
        <h1>Results: {election.name}</h1>
        <p class="page-head-meta">
          Voting closed <When date={election.endDatetime} />. Published by the election officers <When date={publication.at} />; counted
          from the stored ballots (
          {count.method === 'schulze'
            ? 'Schulze method, winning votes'
            : count.method === 'approval'
              ? 'approval voting'
              : 'single transferable vote'}
          ).
        </p>
      </header>
      <section class="card" aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <p>
          {String(count.ballots)} ballots counted ({String(count.abstentions)} without any preference) of {String(election.voters.length)}{' '}
          eligible voters{share !== null ? ` (turnout ${share})` : ''}.
        </p>
      </section>
      <CountSections count={count} />
      <section class="card" aria-labelledby="check">
        <h2 id="check">Check it yourself</h2>
        <p>
          <a href={csvUrl} download>
            Download the anonymous ballots (CSV)
          </a>{' '}
          ({String(publication.ballots)} ballots{ballots?.hasReceipts === true ? ', each with its receipt code' : ''}).
        </p>
        <p>
          SHA-256 of the file: <code class="hash">{publication.sha256}</code>. The same hash is in the election's audit trail, recorded when
          the officers published it.
        </p>
        <p>
          Recount it with <code>{`scrutin tally ${key}-ballots.csv --winners ${String(count.seats)}${method}`}</code>
          {ballots?.hasReceipts === true ? (
            <>
              , and check your own ballot with <code>{`scrutin verify ${key}-ballots.csv --receipt YOUR-CODE`}</code>
            </>
          ) : null}
          .
        </p>
      </section>
      {ballots !== null && ballots.hasReceipts ? (
        <section class="card" aria-labelledby="ballots">
          <h2 id="ballots">Every ballot, by receipt code</h2>
          <p class="hint">
            Sorted by receipt code, an order unrelated to when ballots were cast. Find the code shown when you voted: the ranking next to it
            is your ballot as it was counted.
          </p>
          {ballots.ballots.length > PAGE_BALLOT_LIMIT ? (
            <p class="notice">With {String(ballots.ballots.length)} ballots the list is in the CSV only.</p>
          ) : (
            <table class="ranking published-ballots">
              <caption class="visually-hidden">Published ballots, by receipt code</caption>
              <thead>
                <tr>
                  <th scope="col">Receipt code</th>
                  <th scope="col">Ranking</th>
                </tr>
              </thead>
              <tbody>
                {ballots.ballots.map((b) => (
                  <tr id={b.receipt === null ? undefined : `r-${b.receipt}`}>
                    <th scope="row">
                      <code>{b.receipt ?? '(none)'}</code>
                    </th>
                    <td>
                      {ballotSummary(ballots.candidates.map((id, i) => ({ name: names.get(id) ?? id, rank: b.ranks[i] ?? null }))).replace(
                        /^Your ballot: /,
                        '',
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </Layout>
  );
}

/** Before publication: when and where the results will appear. */
export function ResultsPendingPage({ ctx, election, now }: { ctx: PageContext; election: Election; now: Date }) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Results · ${election.name}`}
      crumbs={[
        ['Elections', '/elections'],
        [election.name, `/elections/${key}`],
        ['Results', `/elections/${key}/results`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.organization ?? 'Election'}</p>
        <h1>Results: {election.name}</h1>
      </header>
      <section class="card">
        <p>
          The results are not published yet. They will appear on this page, with every anonymous ballot, once voting closes{' '}
          <When date={election.endDatetime} now={now} /> and the election officers publish them.
        </p>
      </section>
    </Layout>
  );
}
