import type { ChoiceView } from '../app/ballots/types.js';
import type { Election } from '../core/meta/types.js';
import { ballotSummary } from './ballotSummary.js';
import { RankingTable } from './components/RecordedBallot.js';
import { When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface ReviewProps {
  ctx: PageContext;
  election: Election;
  choices: ChoiceView[];
  /** The fields to send again: `candidate@<ID>` → rank text, the passphrase, the abstention box. */
  fields: Record<string, string>;
  hasPassphrase: boolean;
  now: Date;
}

/**
 * The review step (works without JavaScript): the ranking as it will be cast, with
 * "Cast my ballot" and "Change". The form carries the ballot again in hidden fields;
 * the passphrase too, since this is the voter's own page (never cached).
 */
export function ReviewPage({ ctx, election, choices, fields, hasPassphrase, now }: ReviewProps) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Review your ballot · ${election.name}`}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Review your ballot', `/app/elections/${key}/vote`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Review your ballot</h1>
        <p class="page-head-meta">
          Not cast yet. Voting closes <When date={election.endDatetime} now={now} />.
        </p>
      </header>
      <section class="card" aria-labelledby="review-heading">
        <h2 id="review-heading">{election.rules.method === 'approval' ? 'Your ballot, as it will be cast' : ballotSummary(choices)}</h2>
        <RankingTable choices={choices} caption="Your ranking, first choice first" approval={election.rules.method === 'approval'} />
        <p>{hasPassphrase ? 'You chose a passphrase: you can view or revoke this ballot later with it.' : 'You chose no passphrase.'}</p>
      </section>
      <form method="post" action={`/app/elections/${key}/vote`} class="review-form">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        {Object.entries(fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <div class="submit-row">
          <button type="submit" class="button primary large" data-busy="Casting your ballot…">
            Cast my ballot
          </button>
          <button type="submit" class="button" name="step" value="change">
            Change
          </button>
        </div>
      </form>
    </Layout>
  );
}
