import type { ExceptionRequest } from '../core/records.js';
import { ExceptionStatus } from './components/ExceptionStatus.js';
import { ElectionList, type ElectionListItem } from './components/ElectionList.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** One section's lines, how many there are in all, and where the rest are listed. */
export interface DashboardList<T> {
  items: T[];
  total: number;
  /** The paginated list holding every line of this section. */
  more: string;
}

export interface DashboardProps {
  ctx: PageContext;
  now: Date;
  /** Running elections this user may vote in (voted or not). */
  open: DashboardList<ElectionListItem>;
  /** Upcoming elections listing this user. */
  upcoming: DashboardList<ElectionListItem>;
  /** Closed elections this user voted in. */
  past: DashboardList<ElectionListItem>;
  /** Running elections whose voter list does not include this user. */
  others: DashboardList<ElectionListItem>;
  /** This user's exception requests, with where each stands. */
  requests: Array<{ key: string; name: string; request: ExceptionRequest; onVoterList: boolean; href?: string }>;
  /** Elections this user is an officer of. */
  officer: DashboardList<{ key: string; name: string; href?: string }>;
  /** Running elections still to vote in, all of them (not only those shown). */
  toVote: number;
  /** How long a sign-in lasts at most. */
  sessionHours: number;
}

/** "See all 57 ..." under a section that shows fewer lines than it has. */
function More({ list, what }: { list: DashboardList<unknown>; what: string }) {
  if (list.total <= list.items.length) return null;
  return (
    <p class="more">
      <a href={list.more}>
        See all {String(list.total)} {what}
      </a>
    </p>
  );
}

function Section({
  id,
  title,
  intro,
  list,
  what,
  now,
}: {
  id: string;
  title: string;
  intro?: string;
  list: DashboardList<ElectionListItem>;
  what: string;
  now: Date;
}) {
  if (list.items.length === 0) return null;
  return (
    <section class="dash-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro !== undefined ? <p class="hint">{intro}</p> : null}
      <ElectionList items={list.items} now={now} base="/app/elections" />
      <More list={list} what={what} />
    </section>
  );
}

function Requests({ requests }: { requests: DashboardProps['requests'] }) {
  if (requests.length === 0) return null;
  return (
    <section class="dash-section" aria-labelledby="requests">
      <h2 id="requests">Your exception requests</h2>
      <ul class="request-list">
        {requests.map((r) => (
          <li class="card">
            <h3>
              <a href={r.href ?? `/app/elections/${r.key}`}>{r.name}</a>
            </h3>
            <ExceptionStatus request={r.request} onVoterList={r.onVoterList} link={`/app/elections/${r.key}/exception`} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DashboardPage({ ctx, now, open, upcoming, past, others, requests, officer, toVote, sessionHours }: DashboardProps) {
  const who = ctx.user?.name ?? ctx.user?.login ?? '';
  const nothing = open.total + upcoming.total + past.total + others.total + requests.length + officer.total === 0;
  return (
    <Layout ctx={ctx} title="Dashboard" script>
      <h1>Hello, {who}</h1>
      <p class="lead">
        {toVote > 0
          ? `You have ${toVote === 1 ? 'one election' : `${toVote} elections`} to vote in.`
          : open.total > 0
            ? 'You have voted in every open election you are eligible for. Thank you.'
            : 'There is no open election for you to vote in right now.'}
      </p>
      {nothing ? (
        <section class="card empty">
          <h2>No elections for you yet</h2>
          <p>
            When an election you are eligible for opens, it appears here. You can also browse <a href="/app/elections">every election</a>.
          </p>
        </section>
      ) : null}
      <Section id="open" title="Voting now" list={open} what="open elections for you" now={now} />
      <Requests requests={requests} />
      <Section id="upcoming" title="Coming up" list={upcoming} what="upcoming elections for you" now={now} />
      <Section
        id="others"
        title="Other open elections"
        intro="You are not on the voter list of these elections. If you think you should be, open the election to request an exception."
        list={others}
        what="open elections"
        now={now}
      />
      <Section id="past" title="Elections you voted in" list={past} what="closed elections you voted in" now={now} />
      {officer.items.length > 0 ? (
        <section class="dash-section" aria-labelledby="officer">
          <h2 id="officer">Elections you run</h2>
          <ul class="link-list">
            {officer.items.map((o) => (
              <li>
                <a href={o.href ?? `/app/elections/${o.key}/admin/`}>{o.name}</a> <span class="muted">· officer area</span>
              </li>
            ))}
          </ul>
          <More list={officer} what="elections you run" />
        </section>
      ) : null}
      <p>
        <a href="/app/elections">See all elections</a>
      </p>
      <section class="dash-section" aria-labelledby="sessions">
        <h2 id="sessions">Where you are signed in</h2>
        <p class="hint">
          A sign-in lasts {String(sessionHours)} hours at most. Signed in on a shared computer, or lost a device? Signing out everywhere
          ends every session of your account at once, in every browser, this one included.
        </p>
        <form method="post" action="/logout/everywhere">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <button type="submit" class="button">
            Sign out everywhere
          </button>
        </form>
      </section>
    </Layout>
  );
}
