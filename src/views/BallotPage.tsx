import type { Candidate, Election } from '../core/meta/types.js';
import { expressesPreference } from '../core/ballot/rank.js';
import { ballotSummary } from './ballotSummary.js';
import { ErrorSummary, FieldError } from './components/ErrorSummary.js';
import { When } from './components/When.js';
import { APPROVAL_LIST_ID, ApprovalChoices, approveFieldId } from './ApprovalChoices.js';
import type { HtmlEscapedString } from 'hono/utils/html';
import { Layout } from './Layout.js';
import { trusted } from './render.js';
import type { PageContext } from './page.js';

export interface BallotPageProps {
  ctx: PageContext;
  election: Election;
  /** In this voter's order. */
  candidates: Candidate[];
  now: Date;
  /** Candidate id → the rank chosen ('' = no opinion / not chosen), kept when the form comes back. */
  values: Record<string, string>;
  minPasscodeLength: number;
  /** The service's answer when the ballot was not accepted. */
  problem?: { message: string; fieldErrors: Record<string, string> };
  /** The ballot expresses no preference: show the abstention confirmation. */
  needsAbstention?: boolean;
}

export const rankFieldId = (candidateId: string) => `rank-${candidateId}`;

function fieldTarget(field: string, approval: boolean): string {
  if (field === 'approvals') return APPROVAL_LIST_ID;
  if (field.startsWith('candidate@')) return (approval ? approveFieldId : rankFieldId)(field.slice('candidate@'.length));
  if (field === 'password') return 'password';
  return 'ballot-list';
}

const optionCache = new Map<string, HtmlEscapedString>();

/**
 * The options of one rank select. A ballot of 30 candidates has 930 of them, so the
 * HTML (numbers and fixed words only, nothing from the meta repository) is built
 * once per shape and reused.
 */
function rankOptions(n: number, allowNoOpinion: boolean, value: string): HtmlEscapedString {
  const key = `${n}|${allowNoOpinion ? 1 : 0}|${value}`;
  let html = optionCache.get(key);
  if (html === undefined) {
    const sel = (v: string) => (v === value ? ' selected=""' : '');
    let out = `<option value=""${sel('')}>${allowNoOpinion ? 'No opinion' : 'Choose a rank'}</option>`;
    for (let r = 1; r <= n; r++) out += `<option value="${r}"${sel(String(r))}>${r === 1 ? '1 (best)' : String(r)}</option>`;
    html = trusted(out);
    if (optionCache.size < 5000) optionCache.set(key, html);
  }
  return html;
}

function badge(rank: number | null, tied: boolean): string {
  return rank === null ? '–' : `${rank}${tied ? '=' : ''}`;
}

export function BallotPage({ ctx, election, candidates, now, values, minPasscodeLength, problem, needsAbstention }: BallotPageProps) {
  const key = election.key;
  const n = candidates.length;
  const choices = candidates.map((c) => {
    const v = values[c.id] ?? '';
    return { id: c.id, name: c.name, rank: /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= n ? Number(v) : null };
  });
  const counts = new Map<number, number>();
  for (const c of choices) if (c.rank !== null) counts.set(c.rank, (counts.get(c.rank) ?? 0) + 1);
  const fieldErrors = problem?.fieldErrors ?? {};
  const method = election.rules.method;
  const approval = method === 'approval';
  const errorItems = Object.entries(fieldErrors).map(([field, text]) => ({ id: fieldTarget(field, approval), text }));
  const approvedNone = candidates.every((c) => values[c.id] !== 'approve' && values[c.id] !== '1');
  const showAbstention =
    needsAbstention === true || (problem !== undefined && (approval ? approvedNone : !expressesPreference(choices.map((c) => c.rank))));
  return (
    <Layout
      ctx={ctx}
      title={`Your ballot · ${election.name}`}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Ballot', `/app/elections/${key}/vote`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Your ballot</h1>
        <p class="page-head-meta">
          Voting closes <When date={election.endDatetime} now={now} />.
        </p>
      </header>
      {problem !== undefined ? (
        <ErrorSummary
          title={needsAbstention === true ? 'Please confirm your abstention' : 'Your ballot was not cast yet'}
          // One message per problem: the lead sentence only when no listed problem already says it.
          {...(errorItems.some((e) => e.text === problem.message) ? {} : { message: problem.message })}
          errors={errorItems}
        />
      ) : null}
      <form
        method="post"
        action={`/app/elections/${key}/vote`}
        id={approval ? 'approval-form' : 'ballot-form'}
        class="ballot-form"
        data-allow-no-opinion={election.allowNoOpinion ? 'true' : 'false'}
        data-ties={method === 'stv' ? 'false' : undefined}
      >
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <section class="card" aria-labelledby="rank-heading">
          {approval ? (
            <ApprovalChoices election={election} candidates={candidates} values={values} fieldErrors={fieldErrors} />
          ) : (
            <>
              <h2 id="rank-heading">Rank the candidates</h2>
              <p id="ballot-help">
                Give <strong>1</strong> to your first choice, <strong>2</strong> to your next, and so on.{' '}
                {method === 'stv'
                  ? 'Give each candidate you rank a different number: this election counts by STV, which reads your ballot in order.'
                  : 'Give two candidates the same number to tie them.'}{' '}
                {election.allowNoOpinion
                  ? 'Leave a candidate at “No opinion” if you do not want to rank them.'
                  : 'This election asks you to rank every candidate.'}
              </p>
              <p class="hint">The candidates are listed in an order shuffled for you, not by preference of anyone.</p>
              <p class="hint js-help" id="ballot-js-help" hidden>
                You can also drag a candidate by its handle, or use its Up and Down buttons.
                {method === 'stv' ? '' : ' Drop a candidate onto another to tie them.'}
              </p>
              <ul class="ballot" id="ballot-list" aria-describedby="ballot-help">
                {candidates.map((c, index) => {
                  const choice = choices[index];
                  const rank = choice?.rank ?? null;
                  const err = fieldErrors[`candidate@${c.id}`];
                  const fid = rankFieldId(c.id);
                  const value = rank === null ? '' : String(rank);
                  return (
                    <li
                      class={`ballot-row${rank !== null ? ' is-ranked' : ''}${err !== undefined ? ' has-error' : ''}`}
                      data-id={c.id}
                      data-name={c.name}
                      data-index={String(index)}
                    >
                      <div class="ballot-cand">
                        <span class="rank-badge" aria-hidden="true">
                          {badge(rank, rank !== null && (counts.get(rank) ?? 0) > 1)}
                        </span>
                        <span class="ballot-name">{c.name}</span>
                        <a class="profile-link" href={`/app/elections/${key}/candidates/${c.id}`} target="_blank" rel="noopener">
                          Profile<span class="visually-hidden"> of {c.name} (opens in a new tab)</span>
                        </a>
                      </div>
                      <div class="ballot-controls">
                        <label for={fid} class="rank-label">
                          Rank<span class="visually-hidden"> for {c.name}</span>
                        </label>
                        <select
                          id={fid}
                          name={`candidate@${c.id}`}
                          required={!election.allowNoOpinion}
                          aria-invalid={err !== undefined ? 'true' : undefined}
                          aria-describedby={err !== undefined ? `${fid}-error` : undefined}
                        >
                          {rankOptions(n, election.allowNoOpinion, value)}
                        </select>
                      </div>
                      <FieldError id={`${fid}-error`} text={err} />
                    </li>
                  );
                })}
              </ul>
              {/* Without the script nothing updates this sentence as the voter ranks, so the server
                  writes it only for a ballot that came back (what was sent); the script shows it live. */}
              <p id="ballot-summary" class="summary" role="status" aria-live="polite" hidden={problem === undefined}>
                {ballotSummary(choices)}
              </p>
            </>
          )}
          <div id="abstention" class="notice" hidden={!showAbstention}>
            {approval ? (
              <p>
                <strong>This ballot approves no candidate,</strong> so it counts as an abstention.
              </p>
            ) : (
              <p>
                <strong>This ballot does not prefer any candidate to another,</strong> so it counts as an abstention. A ballot only counts
                where it ranks one candidate above another: leaving everyone at “No opinion”, ranking a single candidate, or giving everyone
                the same rank all express no preference.
              </p>
            )}
            <p class="check">
              <input type="checkbox" id="confirm_abstention" name="confirm_abstention" value="yes" />
              <label for="confirm_abstention">I understand: cast my ballot as an abstention</label>
            </p>
          </div>
        </section>
        <section class="card" aria-labelledby="passphrase-heading">
          <h2 id="passphrase-heading">
            Passphrase <span class="muted">(optional)</span>
          </h2>
          <p>
            With a passphrase you can later view your ballot, or revoke it and vote again while voting is open. Without one, nobody can link
            this ballot to you, including you.
          </p>
          <p class="warning">
            <strong>Nobody can recover a forgotten passphrase,</strong> not even the election officers. Keep it somewhere safe.
          </p>
          <label for="password">Passphrase</label>
          <div class="password-row">
            <input
              type="password"
              id="password"
              name="password"
              minlength={minPasscodeLength}
              maxlength={1024}
              autocomplete="new-password"
              aria-describedby={fieldErrors.password !== undefined ? 'password-error password-hint' : 'password-hint'}
              aria-invalid={fieldErrors.password !== undefined ? 'true' : undefined}
            />
          </div>
          <FieldError id="password-error" text={fieldErrors.password} />
          <p class="hint" id="password-hint">
            At least {minPasscodeLength} characters, or leave it empty.
            {problem !== undefined ? ' For your safety, a passphrase you typed before is not kept: type it again.' : ''}
          </p>
        </section>
        <div class="submit-row">
          <button type="submit" class="button primary large" data-busy="Casting your ballot…">
            Cast my ballot
          </button>
          <button type="submit" class="button" name="step" value="review">
            Review before casting
          </button>
          <a href={`/app/elections/${key}`} class="button">
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}
