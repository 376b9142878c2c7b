// The approval ballot (`ballot_method: approval`): one check box per candidate inside
// a fieldset whose legend says how many may be selected. It needs no script: the
// server enforces `max_selections` and says which field is wrong when it comes back.
import type { Candidate, Election } from '../core/meta/types.js';
import { APPROVE_VALUE, APPROVALS_FIELD, candidateField } from '../core/ballot/ballotForm.js';
import { FieldError } from './components/ErrorSummary.js';

export const APPROVAL_LIST_ID = 'approval-list';
export const approveFieldId = (candidateId: string) => `approve-${candidateId}`;

/** "Select up to 5 candidates" or "Select any number of candidates". */
export function approvalHelp(maxSelections: number | null): string {
  if (maxSelections === null) return 'Select every candidate you approve of; you may select any number of them.';
  return `Select up to ${maxSelections} ${maxSelections === 1 ? 'candidate' : 'candidates'} you approve of.`;
}

export function ApprovalChoices({
  election,
  candidates,
  values,
  fieldErrors,
}: {
  election: Election;
  candidates: Candidate[];
  /** Candidate id → `approve` when ticked. */
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
}) {
  const key = election.key;
  const groupError = fieldErrors[APPROVALS_FIELD];
  const max = election.rules.maxSelections;
  return (
    <fieldset
      class="approval"
      id={APPROVAL_LIST_ID}
      tabindex={-1}
      aria-describedby={groupError !== undefined ? 'approval-help approvals-error' : 'approval-help'}
    >
      <legend>
        <h2 id="rank-heading">{max === null ? 'Select the candidates you approve of' : `Select up to ${max}`}</h2>
      </legend>
      <p id="approval-help">
        {approvalHelp(max)} Every candidate you select counts the same; the order does not matter. Leave a box empty for a candidate you do
        not approve of.
      </p>
      <p class="hint">The candidates are listed in an order shuffled for you, not by preference of anyone.</p>
      <FieldError id="approvals-error" text={groupError} />
      <ul class="ballot">
        {candidates.map((c) => {
          const fid = approveFieldId(c.id);
          const err = fieldErrors[candidateField(c.id)];
          const checked = values[c.id] === APPROVE_VALUE || values[c.id] === '1';
          return (
            <li class={`ballot-row${checked ? ' is-ranked' : ''}${err !== undefined ? ' has-error' : ''}`}>
              <div class="check">
                <input
                  type="checkbox"
                  id={fid}
                  name={candidateField(c.id)}
                  value={APPROVE_VALUE}
                  checked={checked}
                  aria-invalid={err !== undefined || groupError !== undefined ? 'true' : undefined}
                  aria-describedby={err !== undefined ? `${fid}-error` : undefined}
                />
                <label for={fid}>
                  <span class="ballot-name">{c.name}</span>
                </label>
              </div>
              <a class="profile-link" href={`/app/elections/${key}/candidates/${c.id}`} target="_blank" rel="noopener">
                Profile<span class="visually-hidden"> of {c.name} (opens in a new tab)</span>
              </a>
              <FieldError id={`${fid}-error`} text={err} />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
