import type { ChoiceView } from '../app/ballots/types.js';
import type { Election } from '../core/meta/types.js';
import { RankingTable, ReceiptCode } from './components/RecordedBallot.js';
import { When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface ConfirmationProps {
  ctx: PageContext;
  election: Election;
  hasPassphrase: boolean;
  /** The ranking as it was recorded, when this server still holds it (right after the cast). */
  recorded?: { choices: ChoiceView[]; receipt: string | null } | null;
}

export function ConfirmationPage({ ctx, election, hasPassphrase, recorded = null }: ConfirmationProps) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Ballot cast · ${election.name}`}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Ballot cast', `/app/elections/${key}/confirmation`],
      ]}
    >
      <section class="card confirmation" aria-labelledby="done">
        <p class="big-mark" aria-hidden="true">
          ✓
        </p>
        <h1 id="done">Your ballot has been cast</h1>
        <p class="lead">
          Thank you for voting in <strong>{election.name}</strong>.
        </p>
        <p>Your ballot is stored apart from your name: the officers can see that you voted, never how.</p>
        {recorded !== null ? (
          <>
            <h2>The ballot that was recorded</h2>
            <RankingTable
              choices={recorded.choices}
              caption="Your recorded ranking, first choice first"
              approval={election.rules.method === 'approval'}
            />
            {recorded.receipt !== null ? <ReceiptCode receipt={recorded.receipt} resultsUrl={`/elections/${key}/results`} /> : null}
          </>
        ) : hasPassphrase ? (
          <p>To see the ranking that was recorded, view your ballot with your passphrase from the election page.</p>
        ) : null}
        <p>
          The results will be published at <a href={`/elections/${key}/results`}>the election's results page</a> after voting closes at{' '}
          <When date={election.endDatetime} />, once the election officers publish them.
        </p>
        {hasPassphrase ? (
          <p>
            You set a passphrase. With it you can view your ballot, or revoke it and vote again until voting closes at{' '}
            <When date={election.endDatetime} />. Nobody can recover it if you forget it.
          </p>
        ) : (
          <p>You did not set a passphrase, so nobody can look up or change this ballot, including you.</p>
        )}
        <p class="button-row">
          <a class="button primary" href={`/app/elections/${key}`}>
            Back to the election
          </a>
          <a class="button" href="/app">
            Go to your dashboard
          </a>
        </p>
      </section>
    </Layout>
  );
}
