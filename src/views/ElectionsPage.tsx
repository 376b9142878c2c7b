import type { Phase } from '../core/election/phase.js';
import { ElectionList, type ElectionListItem } from './components/ElectionList.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export type StatusFilter = Phase | null;

const FILTERS: Array<[StatusFilter, string]> = [[null, 'All'], ['running', 'Voting open'], ['upcoming', 'Upcoming'], ['completed', 'Closed']];

export interface ElectionsPageProps {
  ctx: PageContext;
  now: Date;
  items: ElectionListItem[];
  filter: StatusFilter;
  /** `/app/elections` for signed-in users, `/elections` for the public list. */
  base: string;
}

export function ElectionsPage({ ctx, now, items, filter, base }: ElectionsPageProps) {
  const label = FILTERS.find(([f]) => f === filter)?.[1] ?? 'All';
  return (
    <Layout ctx={ctx} title={filter === null ? 'Elections' : `Elections: ${label}`} script>
      <h1>Elections</h1>
      <nav aria-label="Filter elections" class="filters">
        <ul>
          {FILTERS.map(([f, text]) => (
            <li>
              <a href={f === null ? base : `${base}?status=${f}`} aria-current={f === filter ? 'page' : undefined} class="filter">{text}</a>
            </li>
          ))}
        </ul>
      </nav>
      {items.length === 0 ? (
        <p class="card empty">{filter === null ? 'There are no elections yet.' : `There are no elections in this list (${label.toLowerCase()}).`}</p>
      ) : (
        <ElectionList items={items} now={now} base={base} headingLevel={2} />
      )}
      {ctx.user === null ? <p class="hint">Sign in to see whether you can vote and to cast your ballot.</p> : null}
    </Layout>
  );
}
