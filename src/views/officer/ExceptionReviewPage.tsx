import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { When } from '../components/When.js';
import { adminBase, OfficerLayout, type OfficerFrame } from './OfficerLayout.js';
import { RequestStatus } from './OfficerPage.js';
import type { ExceptionRequest } from '../../core/records.js';

export const NOTE_MAX = 2000;

export type ReviewField = 'decision' | 'note';

export interface ExceptionReviewProps {
  frame: OfficerFrame;
  request: ExceptionRequest;
  /** The voters.yaml line for this requester. */
  yamlLine: string;
  /** The requester is on the voter list of the snapshot being served (null: the election's files do not parse). */
  eligibleNow: boolean | null;
  /** The path of voters.yaml in the meta repository, when known. */
  votersFile: string | null;
  /** Re-shown after a refused submission. */
  values?: { decision?: string; note?: string };
  errors?: Partial<Record<ReviewField, string>>;
}

function Approved({ yamlLine, eligibleNow, votersFile }: Pick<ExceptionReviewProps, 'yamlLine' | 'eligibleNow' | 'votersFile'>) {
  return (
    <section class="card approved-card" aria-labelledby="add-line">
      <h2 id="add-line">Add the voter to voters.yaml</h2>
      {eligibleNow === true ? (
        <p>
          <strong>Done:</strong> this login is on the voter list Scrutin is serving now, so the requester can vote.
        </p>
      ) : (
        <p>
          Eligibility stays in git: open a pull request to the meta repository that adds this line under <code>eligible_voters:</code> in{' '}
          <code>{votersFile ?? 'voters.yaml'}</code>. The requester can vote once it is merged and synced.
        </p>
      )}
      <pre class="yaml-line" tabindex={0} aria-label="The line to add to voters.yaml">
        <code>{yamlLine}</code>
      </pre>
    </section>
  );
}

export function ExceptionReviewPage({ frame, request, yamlLine, eligibleNow, votersFile, values, errors }: ExceptionReviewProps) {
  const base = adminBase(frame.electionKey);
  const action = `${base}/exception/${request.id}`;
  const chosen = values?.decision ?? (request.decision === 'approved' ? 'approve' : request.decision === 'denied' ? 'deny' : '');
  const note = values?.note ?? request.decisionNote ?? '';
  const list = Object.entries(errors ?? {}).map(([id, text]) => ({ id: id === 'decision' ? 'decision-approve' : id, text }));
  const login = request.login || `user ${request.userId}`;
  return (
    <OfficerLayout
      frame={frame}
      title={`Exception request from ${login} · ${frame.electionName}`}
      section="exception"
      crumb={[`Request #${request.id}`, action]}
    >
      <header class="page-head">
        <p class="org">{frame.electionName}</p>
        <h1>Exception request from {login}</h1>
        <p class="page-head-meta">
          <RequestStatus request={request} />
          {request.createdAt !== null ? (
            <>
              {' '}
              Sent <When date={request.createdAt} />.
            </>
          ) : null}
        </p>
      </header>
      {list.length > 0 ? <ErrorSummary title="The decision was not recorded" errors={list} /> : null}
      {request.decision === 'approved' ? <Approved yamlLine={yamlLine} eligibleNow={eligibleNow} votersFile={votersFile} /> : null}
      <section class="card" aria-labelledby="request">
        <h2 id="request">The request</h2>
        <dl class="facts stacked">
          <div>
            <dt>GitHub login</dt>
            <dd>{login}</dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd>{request.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{request.email !== '' ? <a href={`mailto:${request.email}`}>{request.email}</a> : '—'}</dd>
          </div>
          <div>
            <dt>Chat handle</dt>
            <dd>{request.chat !== '' ? request.chat : '—'}</dd>
          </div>
          <div>
            <dt>Contributions</dt>
            <dd class="pre">{request.description}</dd>
          </div>
          <div>
            <dt>Comments</dt>
            <dd class="pre">{request.comments !== '' ? request.comments : '—'}</dd>
          </div>
          <div>
            <dt>On the voter list now</dt>
            <dd>{eligibleNow === null ? "Unknown: the election's files have errors" : eligibleNow ? 'Yes' : 'No'}</dd>
          </div>
        </dl>
      </section>
      {request.decision !== null ? (
        <section class="card" aria-labelledby="decided">
          <h2 id="decided">Decision</h2>
          <dl class="facts stacked">
            <div>
              <dt>Decision</dt>
              <dd>
                <RequestStatus request={request} />
              </dd>
            </div>
            <div>
              <dt>By</dt>
              <dd>{request.decidedBy ?? '—'}</dd>
            </div>
            <div>
              <dt>When</dt>
              <dd>{request.decidedAt !== null ? <When date={request.decidedAt} seconds /> : '—'}</dd>
            </div>
            <div>
              <dt>Note to the requester</dt>
              <dd class="pre">{request.decisionNote !== null && request.decisionNote !== '' ? request.decisionNote : '—'}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      <section class="card form-card" aria-labelledby="decide">
        <h2 id="decide">{request.decision === null ? 'Decide' : 'Change the decision'}</h2>
        <p class="hint">
          The requester sees the decision and the note on their request page.
          {request.decision !== null ? ' Deciding again replaces the decision shown to them; every decision stays in the audit trail.' : ''}
        </p>
        <form method="post" action={action} class="stack-form" novalidate>
          <input type="hidden" name="_csrf" value={frame.ctx.csrfToken} />
          <fieldset aria-describedby={errors?.decision !== undefined ? 'decision-hint decision-error' : 'decision-hint'}>
            <legend>Decision</legend>
            <p class="hint" id="decision-hint">
              Scrutin never edits the meta repository. After approving, an officer adds this login to <code>voters.yaml</code> there (the
              line to add is shown next); the requester can vote once that change is merged and synced.
            </p>
            <div class="check">
              <input type="radio" id="decision-approve" name="decision" value="approve" checked={chosen === 'approve'} required />
              <label for="decision-approve">Approve: we will add this login to voters.yaml</label>
            </div>
            <div class="check">
              <input type="radio" id="decision-deny" name="decision" value="deny" checked={chosen === 'deny'} />
              <label for="decision-deny">Deny</label>
            </div>
            <FieldError id="decision-error" text={errors?.decision} />
          </fieldset>
          <div class="field">
            <label for="note">Note to the requester (optional)</label>
            <p class="hint" id="note-hint">
              Why, or what happens next. At most {String(NOTE_MAX)} characters.
            </p>
            <textarea
              id="note"
              name="note"
              rows={4}
              maxlength={NOTE_MAX}
              aria-describedby={errors?.note !== undefined ? 'note-hint note-error' : 'note-hint'}
              aria-invalid={errors?.note !== undefined ? 'true' : undefined}
            >
              {note}
            </textarea>
            <FieldError id="note-error" text={errors?.note} />
          </div>
          <p class="submit-row">
            <button type="submit" class="button primary">
              Record the decision
            </button>{' '}
            <a href={`${base}/#requests`}>Back to the requests</a>
          </p>
        </form>
      </section>
    </OfficerLayout>
  );
}
