import type { Election } from '../core/meta/types.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** Seconds between reloads of the sealing page (a meta refresh: no JavaScript needed). */
export const SEALING_REFRESH_SECONDS = 3;

/**
 * "Sealing your ballot": the cast is waiting for, or running, its passphrase key
 * derivation. The page reloads itself and ends on the confirmation once the ballot is
 * stored. Reloading or closing it changes nothing: the cast goes on, once.
 */
export function SealingPage({ ctx, election, seconds, queued }: { ctx: PageContext; election: Election; seconds: number; queued: number }) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Sealing your ballot · ${election.name}`}
      refreshSeconds={SEALING_REFRESH_SECONDS}
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Sealing your ballot', `/app/elections/${key}/sealing`],
      ]}
    >
      <section class="card confirmation" aria-labelledby="sealing">
        <h1 id="sealing">Sealing your ballot…</h1>
        <p class="lead" role="status">
          Your ballot has been received and is being sealed with your passphrase ({String(seconds)} s so far
          {queued > 0 ? `; ${String(queued)} ${queued === 1 ? 'ballot is' : 'ballots are'} waiting to be sealed on this server` : ''}).
        </p>
        <p>
          Many voters are voting right now and sealing a ballot with a passphrase takes a few seconds of the server's time each. This page
          updates itself every {String(SEALING_REFRESH_SECONDS)} seconds and shows the confirmation as soon as your ballot is stored.
        </p>
        <p>
          You do not need to do anything. Reloading this page, or closing it, does not cast a second ballot and does not lose this one: come
          back to the election page later to see that you voted.
        </p>
        <p class="button-row">
          <a class="button" href={`/app/elections/${key}/sealing`}>
            Check now
          </a>
        </p>
      </section>
    </Layout>
  );
}
