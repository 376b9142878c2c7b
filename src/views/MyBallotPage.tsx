import type { ChoiceView } from '../app/ballots/types.js';
import type { Election } from '../core/meta/types.js';
import { ballotSummary, listText, tiers } from './ballotSummary.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** The voter's own ballot, opened with the passphrase. Shown once; never cached. */
export function MyBallotPage({
  ctx,
  election,
  choices,
  canRevoke,
}: {
  ctx: PageContext;
  election: Election;
  choices: ChoiceView[];
  canRevoke: boolean;
}) {
  const key = election.key;
  const groups = tiers(choices);
  const unranked = choices.filter((c) => c.rank === null);
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
        {approval ? (
          approved.length === 0 ? (
            <p>You approved no candidate: this ballot is an abstention.</p>
          ) : (
            <>
              <h2>You approved</h2>
              <ul>
                {approved.map((name) => (
                  <li>{name}</li>
                ))}
              </ul>
            </>
          )
        ) : groups.length === 0 ? (
          <p>You ranked no candidate: this ballot is an abstention.</p>
        ) : (
          <table class="ranking">
            <caption class="visually-hidden">Your ranking, first choice first</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Candidate</th>
              </tr>
            </thead>
            <tbody>
              {groups.map(({ rank, names }) => (
                <tr>
                  <td>
                    {rank}
                    {names.length > 1 ? ' (tie)' : ''}
                  </td>
                  <td>{names.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!approval && unranked.length > 0 && groups.length > 0 ? (
          <p class="muted">No opinion on {unranked.map((c) => c.name).join(', ')}.</p>
        ) : null}
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
