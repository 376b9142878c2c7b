import type { Phase } from '../core/election/phase.js';
import type { Election } from '../core/meta/types.js';
import { ElectionDates, ElectionHeader } from './components/ElectionHeader.js';
import { Prose } from './components/Prose.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** An election as anyone sees it without signing in: never a voter list, never a ballot. */
export function PublicElectionPage({
  ctx,
  election,
  phase,
  now,
  resultsPublished,
}: {
  ctx: PageContext;
  election: Election;
  phase: Phase;
  now: Date;
  /** results.md is there and voting has closed. */
  resultsPublished: boolean;
}) {
  const key = election.key;
  const next = `/app/elections/${key}`;
  return (
    <Layout
      ctx={ctx}
      title={election.name}
      script
      crumbs={[
        ['Elections', '/elections'],
        [election.name, `/elections/${key}`],
      ]}
    >
      <ElectionHeader election={election} phase={phase} now={now} />
      <div class="columns">
        <div class="column-main">
          <section class="card vote-box" aria-labelledby="take-part">
            <h2 id="take-part">Take part</h2>
            {ctx.user !== null ? (
              <p>
                <a class="button primary" href={next}>
                  Open this election
                </a>
              </p>
            ) : phase === 'completed' ? (
              // Nothing to vote for any more: a sign-in prompt only where it leads somewhere.
              <p>
                Voting has closed.{' '}
                {resultsPublished ? (
                  <a class="button" href={`/login?next=${encodeURIComponent(`${next}/results/`)}`}>
                    Sign in to read the results
                  </a>
                ) : (
                  <span class="muted">The officers have not published the results yet.</span>
                )}
              </p>
            ) : (
              <p>
                <a class="button primary" href={`/login?next=${encodeURIComponent(next)}`}>
                  Sign in to vote
                </a>{' '}
                <span class="muted">Sign in with GitHub to see whether you can vote.</span>
              </p>
            )}
          </section>
          <section class="card" aria-labelledby="about">
            <h2 id="about">About this election</h2>
            <Prose html={election.descriptionHtml} empty="The officers have not written a description." />
          </section>
          <section class="card" aria-labelledby="candidates">
            <h2 id="candidates">Candidates</h2>
            {election.candidates.length === 0 ? (
              <p class="muted">No candidates yet.</p>
            ) : (
              <ul class="candidate-list">
                {election.candidates.map((c) => (
                  <li>{c.name}</li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <aside class="column-side" aria-label="Election details">
          <section class="card" aria-labelledby="when">
            <h2 id="when">When</h2>
            <ElectionDates election={election} now={now} />
          </section>
          <section class="card" aria-labelledby="who">
            <h2 id="who">Who can vote</h2>
            <Prose html={election.eligibilityHtml} empty="The officers have not described who may vote." />
          </section>
        </aside>
      </div>
    </Layout>
  );
}
