import type { OfficerOverview } from '../../app/officer/overview.js';
import type { Phase } from '../../core/election/phase.js';
import type { Election, Problem } from '../../core/meta/types.js';
import { percent } from '../../core/officer/resultsDraft.js';
import type { PageOf } from '../../core/paging.js';
import { Pager, pageOf } from '../components/Pager.js';
import { PhaseBadge } from '../components/PhaseBadge.js';
import { When } from '../components/When.js';
import { adminBase, OfficerLayout, ScrollTable, type OfficerFrame } from './OfficerLayout.js';
import { VotesChart } from './VotesChart.js';
import type { AuditEntry, ExceptionRequest } from '../../core/records.js';

/** Which page of each long list the officer is reading (`?waiting=2&voted=1&requests=1&audit=3&syncs=2`). */
export interface OfficerPages {
  waiting: number;
  voted: number;
  requests: number;
  audit: number;
  syncs: number;
}

/** Logins per page of the voter lists, and requests per page of their table. */
export const LOGINS_PER_PAGE = 200;
export const REQUESTS_PER_PAGE = 50;

/** The overview's address with one list moved to `page`, the others where they are, scrolled to that list. */
function listHref(frame: OfficerFrame, pages: OfficerPages, list: keyof OfficerPages, page: number, anchor: string): string {
  const at = { ...pages, [list]: page };
  const params = new URLSearchParams();
  for (const key of ['waiting', 'voted', 'requests', 'audit', 'syncs'] as const) if (at[key] > 1) params.set(key, String(at[key]));
  const query = params.toString();
  return `${adminBase(frame.electionKey)}/${query === '' ? '' : `?${query}`}#${anchor}`;
}

export interface OfficerPageProps {
  frame: OfficerFrame;
  /** null when the election's files do not parse. */
  election: Election | null;
  phase: Phase | 'unavailable';
  now: Date;
  problems: Problem[];
  overview: OfficerOverview;
  /** The page asked for of each long list (clamped to its last page). */
  pages: OfficerPages;
}

const ACTIONS: Record<string, string> = {
  'results.viewed': 'Viewed the results',
  'results.downloaded': 'Downloaded the results (JSON)',
  'results.published': 'Published the results and the ballots (CSV) for everyone',
  'results.counted': 'Counted with scrutin tally --election',
  'ballots.downloaded': 'Downloaded the ballots (CSV)',
  'voters.downloaded': 'Downloaded the voter list (CSV)',
  'exception.approved': 'Approved an exception request',
  'exception.denied': 'Denied an exception request',
  'links-erased': 'Erased the voter–ballot links (delete_after)',
  'ballots-rewritten': 'Rewrote the ballot rows after the close (secrecy)',
  'ballots.login-shared': 'Ballots cast under a shared login (found when upgrading)',
  'meta.sync': 'Synced the meta repository',
  'election.purge': 'Purged the election',
};

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action;
}

export function RequestStatus({ request }: { request: ExceptionRequest }) {
  if (request.decision === 'approved') return <span class="chip chip-ok">Approved</span>;
  if (request.decision === 'denied') return <span class="chip chip-bad">Denied</span>;
  return <span class="chip chip-todo">Pending</span>;
}

function Problems({ problems, broken }: { problems: Problem[]; broken: boolean }) {
  if (problems.length === 0) return null;
  return (
    <section class={`card ${broken ? 'problem-card' : ''}`} aria-labelledby="problems">
      <h2 id="problems">{broken ? "This election's files have errors" : "Warnings in this election's files"}</h2>
      <p>
        {broken
          ? 'Voters see this election as unavailable until these are fixed in the meta repository. Nothing else is affected.'
          : 'The election works, but check these:'}
      </p>
      <ul class="problems">
        {problems.map((p) => (
          <li>
            <code>
              {p.file}
              {p.line !== undefined ? `:${p.line}` : ''}
            </code>
            : {p.message}
            {p.severity === 'warning' && broken ? ' (warning)' : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Window({ election, phase, now }: { election: Election; phase: Phase; now: Date }) {
  return (
    <section class="card" aria-labelledby="window">
      <h2 id="window">Phase and window</h2>
      <p>
        <PhaseBadge phase={phase} />
      </p>
      <dl class="facts stacked">
        <div>
          <dt>{election.startDatetime <= now ? 'Voting opened' : 'Voting opens'}</dt>
          <dd>
            <When date={election.startDatetime} now={now} />
          </dd>
        </div>
        <div>
          <dt>{election.endDatetime <= now ? 'Voting closed' : 'Voting closes'}</dt>
          <dd>
            <When date={election.endDatetime} now={now} />
          </dd>
        </div>
        <div>
          <dt>{election.exceptionDue <= now ? 'Exception requests closed' : 'Exception requests until'}</dt>
          <dd>
            <When date={election.exceptionDue} now={now} />
          </dd>
        </div>
        <div>
          <dt>Seats</dt>
          <dd>{String(election.noWinners)}</dd>
        </div>
        <div>
          <dt>Candidates</dt>
          <dd>{String(election.candidates.length)}</dd>
        </div>
        <div>
          <dt>Links erased after the close</dt>
          <dd>{election.deleteAfter ? 'Yes (delete_after)' : 'No'}</dd>
        </div>
      </dl>
    </section>
  );
}

function TurnoutCard({ frame, overview, pages }: { frame: OfficerFrame; overview: OfficerOverview; pages: OfficerPages }) {
  const t = overview.turnout;
  if (t === null) return null;
  const share = percent(t.voted, t.eligible);
  const waiting = pageOf(
    t.lines.filter((l) => !l.voted),
    pages.waiting,
    LOGINS_PER_PAGE,
  );
  const voted = pageOf(
    t.lines.filter((l) => l.voted),
    pages.voted,
    LOGINS_PER_PAGE,
  );
  return (
    <section class="card" aria-labelledby="turnout">
      <h2 id="turnout">Turnout</h2>
      <p class="turnout-figure">
        <strong>{String(t.voted)}</strong> of {String(t.eligible)} eligible voters have voted
        {share !== null ? (
          <>
            {' '}
            (<strong>{share}</strong>)
          </>
        ) : null}
        .
      </p>
      {t.votedOffList > 0 ? (
        <p class="hint">
          {t.votedOffList === 1 ? '1 more person' : `${t.votedOffList} more people`} voted who {t.votedOffList === 1 ? 'is' : 'are'} not on
          the current voter list (removed after voting, or a record without a login). Their ballots count.
        </p>
      ) : null}
      <RenamedAccounts renamed={overview.renamed} />
      {overview.undatedVotes > 0 ? (
        <p class="hint">
          {overview.undatedVotes === 1 ? '1 vote has' : `${overview.undatedVotes} votes have`} no recorded time (from Elekto) and{' '}
          {overview.undatedVotes === 1 ? 'is' : 'are'} not in the chart.
        </p>
      ) : null}
      <h3>Votes per day</h3>
      {overview.days.length > 0 ? <VotesChart days={overview.days} id="votes-per-day" /> : <p class="empty">Voting has not started yet.</p>}
      <h3 id="voters">Who has voted</h3>
      <p class="hint">This shows only whether each eligible voter has voted, never how.</p>
      <p>
        <a class="button" href={`${adminBase(frame.electionKey)}/voters.csv`} download>
          Download the list for reminders (CSV)
        </a>
      </p>
      <details class="voter-list" id="waiting" open={waiting.total > 0 && (waiting.pages === 1 || pages.waiting > 1)}>
        <summary>Not voted yet ({String(waiting.total)})</summary>
        {waiting.total === 0 ? (
          <p>Everyone on the voter list has voted.</p>
        ) : (
          <>
            <ul class="logins">
              {waiting.items.map((l) => (
                <li>{l.login}</li>
              ))}
            </ul>
            <Pager label="voters who have not voted" of={waiting} href={(p) => listHref(frame, pages, 'waiting', p, 'waiting')} />
          </>
        )}
      </details>
      <details class="voter-list" id="voted" open={pages.voted > 1}>
        <summary>Voted ({String(voted.total)})</summary>
        {voted.total === 0 ? (
          <p>Nobody has voted yet.</p>
        ) : (
          <>
            <ul class="logins">
              {voted.items.map((l) => (
                <li>{l.login}</li>
              ))}
            </ul>
            <Pager label="voters who have voted" of={voted} href={(p) => listHref(frame, pages, 'voted', p, 'voted')} />
          </>
        )}
      </details>
    </section>
  );
}

/** Ballots whose account has since been renamed at GitHub (issue 14): counted under the login they were cast with. */
function RenamedAccounts({ renamed }: { renamed: OfficerOverview['renamed'] }) {
  if (renamed.length === 0) return null;
  return (
    <div class="hint" id="renamed-accounts">
      <p>
        {renamed.length === 1 ? 'One ballot was' : `${renamed.length} ballots were`} cast under a login whose GitHub account has been
        renamed since. {renamed.length === 1 ? 'It counts' : 'They count'} under the login used to vote, which is the one shown as voted
        above. GitHub lets anyone register a login that was given up, so whoever holds that login now signs in as a different account;
        Scrutin counts one ballot per login, so that account cannot vote again in this election.
      </p>
      <ul class="logins">
        {renamed.map((r) => (
          <li>
            {r.login}:{' '}
            {r.account !== null ? (
              <>
                cast by the account now called <strong>{r.account}</strong>
              </>
            ) : (
              'cast by an account that has not signed in since another account took this login'
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Requests({ frame, all, pages }: { frame: OfficerFrame; all: ExceptionRequest[]; pages: OfficerPages }) {
  const requests = pageOf(all, pages.requests, REQUESTS_PER_PAGE);
  return (
    <section class="card" aria-labelledby="requests">
      <h2 id="requests">Exception requests</h2>
      {requests.total === 0 ? (
        <p class="empty">No exception requests.</p>
      ) : (
        <ScrollTable label="Exception requests table">
          <table>
            <thead>
              <tr>
                <th scope="col">Requester</th>
                <th scope="col">Name</th>
                <th scope="col">Sent</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {requests.items.map((r) => (
                <tr>
                  <td>
                    <a href={`${adminBase(frame.electionKey)}/exception/${r.id}`}>
                      {r.login || `user ${r.userId}`}
                      <span class="visually-hidden"> — review request #{String(r.id)}</span>
                    </a>
                  </td>
                  <td>{r.name}</td>
                  <td>{r.createdAt !== null ? <When date={r.createdAt} /> : '—'}</td>
                  <td>
                    <RequestStatus request={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
      <Pager label="exception requests" of={requests} href={(p) => listHref(frame, pages, 'requests', p, 'requests')} />
    </section>
  );
}

function ResultsLinks({ frame, election, now }: { frame: OfficerFrame; election: Election | null; now: Date }) {
  const base = adminBase(frame.electionKey);
  return (
    <section class="card" aria-labelledby="count">
      <h2 id="count">Results and downloads</h2>
      {frame.completed ? (
        <>
          <p>Voting is over. The count is computed from the stored ballots each time you open it.</p>
          <ul class="link-list">
            <li>
              <a href={`${base}/results`}>Results</a>: winners, ranking, pairwise matrix, reasons and a draft results.md
            </li>
            <li>
              <a href={`${base}/download`} download>
                Ballots (CSV)
              </a>
              , to count offline with <code>scrutin tally</code>
            </li>
            <li>
              <a href={`${base}/results.json`} download>
                Results (JSON)
              </a>
              , as <code>scrutin tally --format json</code> writes them
            </li>
          </ul>
        </>
      ) : election !== null ? (
        <p>
          The results and the ballot download are available once voting closes, <When date={election.endDatetime} now={now} />.
        </p>
      ) : (
        <p>The results are available once the election's files are fixed and voting has closed.</p>
      )}
    </section>
  );
}

/** One page of audit entries, with links to the others (`href` of a page number, named for `label`). */
function AuditTable(props: { entries: PageOf<AuditEntry>; caption: string; id: string; label: string; href: (page: number) => string }) {
  const { entries, caption, id } = props;
  if (entries.total === 0) return <p class="empty">Nothing recorded yet.</p>;
  return (
    <>
      <ScrollTable label={caption}>
        <table class="audit" aria-describedby={id}>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.items.map((e) => (
              <tr>
                <td class="nowrap">
                  <When date={e.at} seconds />
                </td>
                <td>{e.actor ?? 'Scrutin'}</td>
                <td>{actionLabel(e.action)}</td>
                <td class="detail">{e.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
      <Pager label={props.label} of={entries} href={props.href} />
    </>
  );
}

export function OfficerPage({ frame, election, phase, now, problems, overview, pages }: OfficerPageProps) {
  return (
    <OfficerLayout frame={frame} title={`Officer area · ${frame.electionName}`} section="overview">
      <header class="page-head">
        <p class="org">{election?.organization ?? 'Election'}</p>
        <h1>{frame.electionName}: officer area</h1>
        <p class="page-head-meta">
          <PhaseBadge phase={phase} /> Only this election's officers can see this page.
        </p>
      </header>
      <Problems problems={problems} broken={election === null} />
      <div class="columns">
        <div class="column-main">
          <TurnoutCard frame={frame} overview={overview} pages={pages} />
          <Requests frame={frame} all={overview.requests} pages={pages} />
        </div>
        <div class="column-side">
          {election !== null && phase !== 'unavailable' ? <Window election={election} phase={phase} now={now} /> : null}
          <ResultsLinks frame={frame} election={election} now={now} />
        </div>
      </div>
      <section class="card" aria-labelledby="audit">
        <h2 id="audit">Audit trail</h2>
        <p class="hint" id="audit-hint">
          Officer actions on this election, newest first. Voting itself is never recorded here: nothing links a voter to a ballot.
        </p>
        <AuditTable
          entries={overview.audit}
          caption="Officer actions on this election"
          id="audit-hint"
          label="the audit trail"
          href={(p) => listHref(frame, pages, 'audit', p, 'audit')}
        />
        <h3 id="syncs">Syncs of the meta repository</h3>
        <p class="hint" id="syncs-hint">
          Every sync that changed something, for all elections, newest first: the revision read and what changed in the election table.
        </p>
        <AuditTable
          entries={overview.syncs}
          caption="Syncs of the meta repository"
          id="syncs-hint"
          label="syncs of the meta repository"
          href={(p) => listHref(frame, pages, 'syncs', p, 'syncs')}
        />
      </section>
    </OfficerLayout>
  );
}
