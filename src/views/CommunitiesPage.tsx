import { ElectionList, type ElectionListItem } from './components/ElectionList.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** One community on the front page: where it lives and its open elections. */
export interface CommunityCard {
  key: string;
  name: string;
  /** `/c/<key>` */
  base: string;
  logo: string | null;
  contact: string | null;
  open: ElectionListItem[];
  /** Elections it serves in all (any phase). */
  total: number;
}

/** The front page of a Scrutin hosting several communities (COMMUNITIES). */
export function CommunitiesPage({ ctx, now, communities }: { ctx: PageContext; now: Date; communities: CommunityCard[] }) {
  return (
    <Layout ctx={ctx} title="Communities">
      <h1>Communities</h1>
      <p>Each community runs its own elections from its own meta repository. Voting open now:</p>
      <ul class="community-list">
        {communities.map((c) => (
          <li class="card community">
            <h2>
              {c.logo !== null ? <img src={c.logo} alt="" width="32" height="32" class="community-logo" /> : null}
              <a href={`${c.base}/elections`}>{c.name}</a>
            </h2>
            {c.open.length === 0 ? (
              <p class="muted">No election is open right now ({c.total === 1 ? '1 election' : `${c.total} elections`} in all).</p>
            ) : (
              <ElectionList items={c.open} now={now} base={`${c.base}/elections`} headingLevel={3} />
            )}
            {c.contact !== null ? <p class="hint">Contact: {c.contact}</p> : null}
          </li>
        ))}
      </ul>
      {ctx.user === null ? <p class="hint">Sign in to see where you can vote.</p> : null}
    </Layout>
  );
}
