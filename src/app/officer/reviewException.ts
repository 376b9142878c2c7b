// An officer decides an exception request: the decision, the note, who and when are
// kept on the request (Elekto's `reviewed` flag set too), and the audit trail records
// it, in one transaction. Deciding again is allowed; each decision is its own entry.
import type { ExceptionRequest, RequestDecision } from '../../core/records.js';
import type { Store } from '../../storage/store.js';

export interface ExceptionDecision {
  electionKey: string;
  /** The id of the election in the URL: the statement itself checks the request is of it. */
  electionId: number;
  request: ExceptionRequest;
  decision: RequestDecision;
  note: string;
  officer: string;
  now: Date;
}

/** The line to add under `eligible_voters:` in voters.yaml: the login as GitHub spells it. */
export function votersYamlLine(login: string): string {
  return `  - ${login}`;
}

/** false when the request is not (or no longer) one of this election's. */
export async function decideException(store: Store, input: ExceptionDecision): Promise<boolean> {
  const { request } = input;
  return store.transaction(async (tx) => {
    const changed = await tx.officer.decideRequest({
      electionId: input.electionId,
      requestId: request.id,
      decision: input.decision,
      note: input.note,
      decidedBy: input.officer,
      now: input.now,
    });
    if (!changed) return false;
    const was =
      request.decision !== null && request.decision !== input.decision
        ? ` (was ${request.decision})`
        : request.decision !== null
          ? ' (again)'
          : '';
    const note = input.note === '' ? 'no note' : `note: ${input.note}`;
    await tx.audit.append({
      at: input.now,
      electionKey: input.electionKey,
      actor: input.officer,
      action: `exception.${input.decision}`,
      detail: `request #${request.id} from ${request.login || `user ${request.userId}`}: ${input.decision}${was}; ${note}`,
    });
    return true;
  });
}
