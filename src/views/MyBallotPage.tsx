import type { ChoiceView } from '../app/ballots/types.js';
import type { Election } from '../core/meta/types.js';
import { ballotSummary, listText } from './ballotSummary.js';
import { RankingTable, ReceiptCode } from './components/RecordedBallot.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** The voter's own ballot, opened with the passphrase. Shown once; never cached. */
export function MyBallotPage({
  ctx,
  election,
  choices,
  canRevoke,
  receipt = null,
}: {
  ctx: PageContext;
  election: Election;
  choices: ChoiceView[];
  canRevoke: boolean;
  receipt?: string | null;
}) {
  const key = election.key;
  // Approval ballots are stored as rank 1 for each approved candidate.
  const approval = election.rules.method === 'approval';
  const approved = choices.filter((c) => c.rank !== null).map((c) => c.name);
  const summary = approval
    ? approved.length === 0
      ? 'Your ballot approves no candidate.'
      : `Your ballot approves ${listText(approved)}.`
    : ballotSummary(choices);
  return (
    <Layout
      ctx={ctx}
      title={`Your ballot · ${election.name}`}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Your ballot', `/app/elections/${key}`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Your ballot</h1>
        <p class="page-head-meta">{summary}</p>
      </header>
      <section class="card">
        <RankingTable choices={choices} caption="Your ranking, first choice first" approval={approval} />
        {receipt !== null ? <ReceiptCode receipt={receipt} resultsUrl={`/elections/${key}/results`} /> : null}
      </section>
      {canRevoke ? (
        <section class="card" aria-labelledby="change">
          <h2 id="change">Want to change it?</h2>
          <p>Revoke this ballot and vote again. The next page asks you to confirm, with your passphrase.</p>
          <p>
            <a class="button danger-outline" href={`/app/elections/${key}/vote/revoke`}>
              Revoke it and vote again
            </a>
          </p>
        </section>
      ) : null}
      <p>
        <a class="button" href={`/app/elections/${key}`}>
          Back to the election
        </a>
      </p>
    </Layout>
  );
}
