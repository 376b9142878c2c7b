import type { Election } from '../core/meta/types.js';
import { ErrorSummary, FieldError } from './components/ErrorSummary.js';
import { When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/**
 * The step before a revoke: it deletes the ballot, so the voter reads what happens
 * and confirms with the passphrase. A page of its own (a link, then a POST form), so
 * it works without JavaScript and a stray click deletes nothing.
 */
export function RevokePage({
  ctx,
  election,
  now,
  attemptLimit,
  problem,
}: {
  ctx: PageContext;
  election: Election;
  now: Date;
  attemptLimit: { max: number; windowMinutes: number };
  /** A wrong or refused passphrase: the page comes back with it, nothing deleted. */
  problem?: string;
}) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Revoke your ballot? · ${election.name}`}
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Revoke your ballot', `/app/elections/${key}/vote/revoke`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Revoke your ballot?</h1>
      </header>
      {problem !== undefined ? (
        <ErrorSummary title="Your ballot was not revoked" errors={[{ id: 'revoke-password', text: problem }]} />
      ) : null}
      <section class="card form-card" aria-labelledby="what-happens">
        <h2 id="what-happens">What happens</h2>
        <ul>
          <li>Your ballot is deleted. Nobody, you included, can bring it back.</li>
          <li>
            You can then cast a new ballot until voting closes, <When date={election.endDatetime} now={now} />. If you do not, you will not
            have voted.
          </li>
        </ul>
        <form method="post" action={`/app/elections/${key}/vote/edit`} class="stack-form">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <label for="revoke-password">Your passphrase</label>
          <div class="password-row">
            <input
              type="password"
              id="revoke-password"
              name="password"
              required
              autocomplete="current-password"
              aria-describedby={problem !== undefined ? 'revoke-password-error revoke-password-hint' : 'revoke-password-hint'}
              aria-invalid={problem !== undefined ? 'true' : undefined}
            />
          </div>
          <FieldError id="revoke-password-error" text={problem} />
          <p class="hint" id="revoke-password-hint">
            The passphrase you chose when you voted. {attemptLimit.max} wrong attempts lock it for {attemptLimit.windowMinutes} minutes.
          </p>
          <div class="button-row">
            <button type="submit" class="button danger" data-busy="Revoking your ballot…">
              Yes, revoke my ballot
            </button>
            <a class="button" href={`/app/elections/${key}`}>
              No, keep my ballot
            </a>
          </div>
        </form>
      </section>
    </Layout>
  );
}
