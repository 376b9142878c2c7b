import { When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** An open election as the front page lists it: a link and its close. */
export interface OpenElection {
  key: string;
  name: string;
  end: Date;
}

/** One community on the front page: where it lives and its open elections. */
export interface CommunityCard {
  key: string;
  name: string;
  /** `/c/<key>` */
  base: string;
  logo: string | null;
  contact: string | null;
  /** The first few open elections, closing soonest first. */
  open: OpenElection[];
  /** How many are open in all. */
  openCount: number;
  /** Elections it serves in all (any phase). */
  total: number;
}

/**
 * The front page of a Scrutin hosting several communities (COMMUNITIES). A hundred
 * communities fit on it: each shows only its first few open elections, plainly.
 */
export function CommunitiesPage({ ctx, now, communities }: { ctx: PageContext; now: Date; communities: CommunityCard[] }) {
  return (
    <Layout ctx={ctx} title="Communities">
      <h1>Communities</h1>
      <p>Each community runs its own elections from its own meta repository.</p>
      <ul class="community-list">
        {communities.map((c) => (
          <li class="card community">
            <h2>
              {c.logo !== null ? <img src={c.logo} alt="" width="32" height="32" class="community-logo" /> : null}
              <a href={`${c.base}/elections`}>{c.name}</a>
            </h2>
            {c.openCount === 0 ? (
              <p class="muted">No election is open right now ({c.total === 1 ? '1 election' : `${c.total} elections`} in all).</p>
            ) : (
              <>
                <p>Voting open now:</p>
                <ul>
                  {c.open.map((e) => (
                    <li>
                      <a href={`${c.base}/elections/${e.key}`}>{e.name}</a>, closes <When date={e.end} now={now} />
                    </li>
                  ))}
                </ul>
                {c.openCount > c.open.length ? (
                  <p>
                    <a href={`${c.base}/elections?status=running`}>All {c.openCount} open elections</a>
                  </p>
                ) : null}
              </>
            )}
            {c.contact !== null ? <p class="hint">Contact: {c.contact}</p> : null}
          </li>
        ))}
      </ul>
      {ctx.user === null ? <p class="hint">Sign in to see where you can vote.</p> : null}
    </Layout>
  );
}
