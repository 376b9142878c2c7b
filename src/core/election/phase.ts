// The phase of an election at a given moment. `start <= now < end` is running.
import type { Election } from '../meta/types.js';

export type Phase = 'upcoming' | 'running' | 'completed';

export function phaseAt(election: Pick<Election, 'startDatetime' | 'endDatetime'>, now: Date): Phase {
  const t = now.getTime();
  if (t < election.startDatetime.getTime()) return 'upcoming';
  if (t < election.endDatetime.getTime()) return 'running';
  return 'completed';
}
