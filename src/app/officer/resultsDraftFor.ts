// The draft results.md of the officers' results page for any count, so the page and
// any other reader of ElectionCount word the draft the same way.
import type { Election } from '../../core/meta/types.js';
import { methodResultsDraft, resultsDraft } from '../../core/officer/resultsDraft.js';
import type { ElectionCount } from './countElection.js';

export function resultsDraftFor(election: Election, count: ElectionCount): string {
  const head = {
    name: election.name,
    start: election.startDatetime,
    end: election.endDatetime,
    eligible: election.voters.length,
    names: count.names,
  };
  if (count.method === 'approval') return methodResultsDraft({ ...head, method: 'approval', approval: count.approval });
  if (count.method === 'stv') return methodResultsDraft({ ...head, method: 'stv', stv: count.stv });
  return resultsDraft({
    ...head,
    result: count.result,
    abstentions: count.abstentions,
    notes: count.notes,
    tieBreakDeclared: count.rules.tieBreak !== null,
  });
}
