import type { Phase } from '../core/election/phase.js';
import { ElectionList, type ElectionListItem } from './components/ElectionList.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';
import type { Pagination } from './models.js';

export type StatusFilter = Phase | null;
/** Only the elections listing me (or holding my vote), or those I run. */
export type RoleFilter = 'voter' | 'officer' | null;

const ROLES: Record<'voter' | 'officer', string> = { voter: 'Your elections', officer: 'Elections you run' };

const FILTERS: Array<[StatusFilter, string]> = [
  [null, 'All'],
  ['running', 'Voting open'],
  ['upcoming', 'Upcoming'],
  ['completed', 'Closed'],
];

export interface ElectionsPageProps {
  ctx: PageContext;
  now: Date;
  items: ElectionListItem[];
  filter: StatusFilter;
  role: RoleFilter;
  pagination: Pagination;
  /** `/app/elections` for signed-in users, `/elections` for the public list. */
  base: string;
}

function pageHref(base: string, filter: StatusFilter, role: RoleFilter, page: number): string {
  const params = new URLSearchParams();
  if (filter !== null) params.set('status', filter);
  if (role !== null) params.set('role', role);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query === '' ? base : `${base}?${query}`;
}

function Pager({ base, filter, role, pagination }: { base: string; filter: StatusFilter; role: RoleFilter; pagination: Pagination }) {
  if (pagination.pages <= 1) return null;
  const { page, pages, total } = pagination;
  return (
    <nav aria-label="Pages of elections" class="pager">
      {page > 1 ? (
        <a href={pageHref(base, filter, role, page - 1)} rel="prev" class="button small">
          Previous page
        </a>
      ) : null}
      <span>
        Page {page} of {pages} ({total} elections)
      </span>
      {page < pages ? (
        <a href={pageHref(base, filter, role, page + 1)} rel="next" class="button small">
          Next page
        </a>
      ) : null}
    </nav>
  );
}

export function ElectionsPage({ ctx, now, items, filter, role, pagination, base }: ElectionsPageProps) {
  const label = FILTERS.find(([f]) => f === filter)?.[1] ?? 'All';
  const heading = role === null ? 'Elections' : ROLES[role];
  return (
    <Layout
      ctx={ctx}
      title={`${filter === null ? heading : `${heading}: ${label}`}${pagination.page > 1 ? `, page ${pagination.page}` : ''}`}
      script
    >
      <h1>{heading}</h1>
      <nav aria-label="Filter elections" class="filters">
        <ul>
          {FILTERS.map(([f, text]) => (
            <li>
              <a href={pageHref(base, f, role, 1)} aria-current={f === filter ? 'page' : undefined} class="filter">
                {text}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {items.length === 0 ? (
        <p class="card empty">
          {filter === null ? 'There are no elections yet.' : `There are no elections in this list (${label.toLowerCase()}).`}
        </p>
      ) : (
        <ElectionList items={items} now={now} base={base} headingLevel={2} />
      )}
      {role !== null ? (
        <p>
          <a href={pageHref(base, filter, null, 1)}>See every election</a>
        </p>
      ) : null}
      <Pager base={base} filter={filter} role={role} pagination={pagination} />
      {ctx.user === null ? <p class="hint">Sign in to see whether you can vote and to cast your ballot.</p> : null}
    </Layout>
  );
}
