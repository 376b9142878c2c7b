import type { ExceptionRequest } from '../../core/records.js';

type State = 'pending' | 'approved' | 'listed' | 'denied';

/**
 * Where a requester's exception stands, in the words the dashboard, the election page
 * and the request page share. An approval does not put anyone on the voter list: the
 * officers still have to add the login to voters.yaml, so "approved" says so until the
 * served voter list has the login (`onVoterList`).
 */
const WORDS: Record<State, { chip: string; tone: 'info' | 'ok' | 'bad'; text: string }> = {
  pending: { chip: 'Pending', tone: 'info', text: 'Your exception request is waiting for the election officers to decide.' },
  approved: {
    chip: 'Approved',
    tone: 'ok',
    text: 'The officers approved your exception request. You will be able to vote once the voter list is updated.',
  },
  listed: { chip: 'Approved', tone: 'ok', text: 'The officers approved your exception request, and you are on the voter list now.' },
  denied: { chip: 'Denied', tone: 'bad', text: 'The officers did not approve your exception request.' },
};

function exceptionState(request: ExceptionRequest, onVoterList: boolean): State {
  if (request.decision === 'denied') return 'denied';
  if (request.decision === 'approved') return onVoterList ? 'listed' : 'approved';
  return 'pending';
}

/** The decision in a sentence, then the officers' note when there is one. */
export function ExceptionStatus({ request, onVoterList, link }: { request: ExceptionRequest; onVoterList: boolean; link?: string }) {
  const words = WORDS[exceptionState(request, onVoterList)];
  const note = request.decisionNote?.trim() ?? '';
  return (
    <div class="exception-status">
      <p>
        <span class={`chip chip-${words.tone}`}>{words.chip}</span> {words.text}
        {link !== undefined ? (
          <>
            {' '}
            <a href={link}>See your request</a>.
          </>
        ) : null}
      </p>
      {request.decision !== null && note !== '' ? (
        <blockquote class="note">
          <p class="muted">Note from the officers:</p>
          <p>{note}</p>
        </blockquote>
      ) : null}
    </div>
  );
}
