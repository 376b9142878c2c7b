import type { Phase } from '../../core/election/phase.js';
import type { Election } from '../../core/meta/types.js';
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
  return (
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
  );
}

/** Opening, closing and exception deadline as a description list, in the tense `now` calls for. */
export function ElectionDates({ election, now }: { election: Election; now: Date }) {
  const past = (date: Date) => date.getTime() <= now.getTime();
  return (
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
  );
}
