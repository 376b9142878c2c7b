import type { ExceptionRequest } from '../core/records.js';
import { ExceptionStatus } from './components/ExceptionStatus.js';
import { ElectionList, type ElectionListItem } from './components/ElectionList.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface DashboardProps {
  ctx: PageContext;
  now: Date;
  /** Running elections this user may vote in (voted or not). */
  open: ElectionListItem[];
  upcoming: ElectionListItem[];
  /** Closed elections this user voted in. */
  past: ElectionListItem[];
  /** Running elections whose voter list does not include this user. */
  others: ElectionListItem[];
  /** This user's exception requests, with where each stands. */
  requests: Array<{ key: string; name: string; request: ExceptionRequest; onVoterList: boolean }>;
  /** Elections this user is an officer of. */
  officer: Array<{ key: string; name: string }>;
  /** How long a sign-in lasts at most. */
  sessionHours: number;
}

function Section({ id, title, intro, items, now }: { id: string; title: string; intro?: string; items: ElectionListItem[]; now: Date }) {
  if (items.length === 0) return null;
  return (
    <section class="dash-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro !== undefined ? <p class="hint">{intro}</p> : null}
      <ElectionList items={items} now={now} base="/app/elections" />
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
              <a href={`/app/elections/${r.key}`}>{r.name}</a>
            </h3>
            <ExceptionStatus request={r.request} onVoterList={r.onVoterList} link={`/app/elections/${r.key}/exception`} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DashboardPage({ ctx, now, open, upcoming, past, others, requests, officer, sessionHours }: DashboardProps) {
  const who = ctx.user?.name ?? ctx.user?.login ?? '';
  const toVote = open.filter((i) => i.note?.tone === 'todo').length;
  const nothing = open.length + upcoming.length + past.length + others.length + requests.length + officer.length === 0;
  return (
    <Layout ctx={ctx} title="Dashboard" script>
      <h1>Hello, {who}</h1>
      <p class="lead">
        {toVote > 0
          ? `You have ${toVote === 1 ? 'one election' : `${toVote} elections`} to vote in.`
          : open.length > 0
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
      <Section id="open" title="Voting now" items={open} now={now} />
      <Requests requests={requests} />
      <Section id="upcoming" title="Coming up" items={upcoming} now={now} />
      <Section
        id="others"
        title="Other open elections"
        intro="You are not on the voter list of these elections. If you think you should be, open the election to request an exception."
        items={others}
        now={now}
      />
      <Section id="past" title="Elections you voted in" items={past} now={now} />
      {officer.length > 0 ? (
        <section class="dash-section" aria-labelledby="officer">
          <h2 id="officer">Elections you run</h2>
          <ul class="link-list">
            {officer.map((o) => (
              <li>
                <a href={`/app/elections/${o.key}/admin/`}>{o.name}</a> <span class="muted">· officer area</span>
              </li>
            ))}
          </ul>
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
