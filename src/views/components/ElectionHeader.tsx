// The title block and the dates of an election. Both depend on the snapshot's election
// and on the moment only through the phase and the relative phrase ("in 3 days"), so
// they are rendered once per variant of those (src/views/fragments.ts).
import type { Phase } from '../../core/election/phase.js';
import type { Election } from '../../core/meta/types.js';
import { relativeText } from '../format.js';
import { fragment } from '../fragments.js';
import { PhaseBadge } from './PhaseBadge.js';
import { When } from './When.js';

/** The title block every election page starts with. */
export function ElectionHeader({
  election,
  phase,
  now,
  title,
  kicker,
}: {
  election: Election;
  phase: Phase;
  now: Date;
  title?: string;
  kicker?: string;
}) {
  const moment = phase === 'upcoming' ? election.startDatetime : phase === 'running' ? election.endDatetime : null;
  const relative = moment === null ? '' : relativeText(moment, now);
  return fragment(election, `header\0${phase}\0${relative}\0${title ?? ''}\0${kicker ?? ''}`, () => (
    <header class="page-head">
      <p class="org">{kicker ?? election.organization ?? 'Election'}</p>
      <h1>{title ?? election.name}</h1>
      <p class="page-head-meta">
        <PhaseBadge phase={phase} />{' '}
        {phase === 'upcoming' ? (
          <span>
            Voting opens <When date={election.startDatetime} now={now} />
          </span>
        ) : null}
        {phase === 'running' ? (
          <span>
            Voting closes <When date={election.endDatetime} now={now} />
          </span>
        ) : null}
        {phase === 'completed' ? (
          <span>
            Voting closed <When date={election.endDatetime} />
          </span>
        ) : null}
      </p>
    </header>
  ));
}

/** Opening, closing and exception deadline as a description list, in the tense `now` calls for. */
export function ElectionDates({ election, now }: { election: Election; now: Date }) {
  const past = (date: Date) => date.getTime() <= now.getTime();
  const tenses = [election.startDatetime, election.endDatetime, election.exceptionDue].map((d) => (past(d) ? 'past' : 'to come'));
  return fragment(election, `dates\0${tenses.join('\0')}`, () => (
    <dl class="facts">
      <div>
        <dt>{past(election.startDatetime) ? 'Voting opened' : 'Voting opens'}</dt>
        <dd>
          <When date={election.startDatetime} />
        </dd>
      </div>
      <div>
        <dt>{past(election.endDatetime) ? 'Voting closed' : 'Voting closes'}</dt>
        <dd>
          <When date={election.endDatetime} />
        </dd>
      </div>
      <div>
        <dt>{past(election.exceptionDue) ? 'Exception requests closed' : 'Exception requests until'}</dt>
        <dd>
          <When date={election.exceptionDue} />
        </dd>
      </div>
      <div>
        <dt>Seats</dt>
        <dd>{election.noWinners === 1 ? '1 winner' : `${election.noWinners} winners`}</dd>
      </div>
    </dl>
  ));
}
