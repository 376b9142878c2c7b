import type { RankedName } from '../ballotSummary.js';
import { tiers } from '../ballotSummary.js';

/**
 * A ballot's ranking as a table, first choice first (review, confirmation, "view my
 * ballot"); an approval ballot (stored as rank 1 for each approved candidate) as the list
 * of approved candidates.
 */
export function RankingTable({
  choices,
  caption,
  approval = false,
}: {
  choices: readonly RankedName[];
  caption: string;
  approval?: boolean;
}) {
  const groups = tiers(choices);
  const unranked = choices.filter((c) => c.rank === null);
  if (approval) {
    const approved = choices.filter((c) => c.rank !== null).map((c) => c.name);
    return approved.length === 0 ? (
      <p>No candidate is approved: this ballot is an abstention.</p>
    ) : (
      <>
        <h2>Approved</h2>
        <ul>
          {approved.map((name) => (
            <li>{name}</li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      {groups.length === 0 ? (
        <p>No candidate is ranked: this ballot is an abstention.</p>
      ) : (
        <table class="ranking">
          <caption class="visually-hidden">{caption}</caption>
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
      {unranked.length > 0 && groups.length > 0 ? <p class="muted">No opinion on {unranked.map((c) => c.name).join(', ')}.</p> : null}
    </>
  );
}

/** The receipt code, and what it is for. */
export function ReceiptCode({ receipt, resultsUrl }: { receipt: string; resultsUrl: string }) {
  return (
    <div class="notice receipt" role="note">
      <p>
        <strong>Your receipt code:</strong> <code class="receipt-code">{receipt}</code>
      </p>
      <p>
        Note it down. Once the results are published at <a href={resultsUrl}>the election's results page</a>, every ballot is listed with
        its receipt code: find yours there, or check the published ballots file with <code>scrutin verify</code>. The code does not say who
        you are, but anyone you show it to can see how you voted.
      </p>
    </div>
  );
}
