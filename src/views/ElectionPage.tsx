import type { Candidate, Election } from '../core/meta/types.js';
import type { ElectionFacts } from '../app/electionFacts.js';
import { ElectionDates, ElectionHeader } from './components/ElectionHeader.js';
import { ElectionRules } from './components/ElectionRules.js';
import { ExceptionStatus } from './components/ExceptionStatus.js';
import { ErrorSummary, FieldError } from './components/ErrorSummary.js';
import { fragment } from './fragments.js';
import { Prose } from './components/Prose.js';
import { TextWithTimes, When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface PassphraseProblem {
  message: string;
}

export interface ElectionPageProps {
  ctx: PageContext;
  election: Election;
  facts: ElectionFacts;
  /** In this voter's order. */
  candidates: Candidate[];
  attemptLimit: { max: number; windowMinutes: number };
  /** A wrong or refused passphrase, shown on the view/revoke form. */
  passphraseProblem?: PassphraseProblem;
}

/** View or revoke with the passphrase: one form, two buttons posting to their own routes. */
function PassphraseForm({
  ctx,
  election,
  facts,
  attemptLimit,
  problem,
}: {
  ctx: PageContext;
  election: Election;
  facts: ElectionFacts;
  attemptLimit: ElectionPageProps['attemptLimit'];
  problem: PassphraseProblem | undefined;
}) {
  const base = `/app/elections/${election.key}/vote`;
  return (
    <form method="post" action={`${base}/view`} class="passphrase-form" id="passphrase-form">
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      <label for="open-password">Your passphrase</label>
      <div class="password-row">
        <input
          type="password"
          id="open-password"
          name="password"
          required
          autocomplete="current-password"
          aria-describedby={problem !== undefined ? 'open-password-error open-password-hint' : 'open-password-hint'}
          aria-invalid={problem !== undefined ? 'true' : undefined}
        />
      </div>
      <FieldError id="open-password-error" text={problem?.message} />
      <p class="hint" id="open-password-hint">
        The passphrase you chose when you voted. For your safety, {attemptLimit.max} wrong attempts lock this form for{' '}
        {attemptLimit.windowMinutes} minutes.
      </p>
      <div class="button-row">
        <button type="submit" class="button" data-busy="Opening your ballot…">
          View my ballot
        </button>
        {facts.revoke.ok ? (
          // A step of its own, which asks for confirmation: revoking deletes the ballot.
          <a class="button danger-outline" href={`${base}/revoke`}>
            Revoke it and vote again
          </a>
        ) : null}
      </div>
      {facts.revoke.ok ? (
        <p class="hint">
          Revoking deletes your ballot so you can cast a new one before voting closes. If you do not vote again, you will not have voted.
        </p>
      ) : null}
    </form>
  );
}

/** Where and when the results appear (issue 15: voters know before they do). */
function ResultsWhere({ election, facts }: { election: Election; facts: ElectionFacts }) {
  const url = `/elections/${election.key}/results`;
  if (facts.publishedAt !== null)
    return (
      <p>
        The results and every ballot were published <When date={facts.publishedAt} />: <a href={url}>see the published results</a>.
      </p>
    );
  return (
    <p class="hint">
      The results will appear at <a href={url}>the election's results page</a>, with every ballot, once voting closes{' '}
      <When date={election.endDatetime} /> and the election officers publish them.
    </p>
  );
}

function VoteBox({
  ctx,
  election,
  facts,
  attemptLimit,
  problem,
}: {
  ctx: PageContext;
  election: Election;
  facts: ElectionFacts;
  attemptLimit: ElectionPageProps['attemptLimit'];
  problem: PassphraseProblem | undefined;
}) {
  const key = election.key;
  const login = ctx.user?.login ?? '';
  const { status, phase } = facts;
  let body;
  if (status.voted) {
    body = (
      <>
        <p class="state state-ok">
          <span class="state-mark" aria-hidden="true">
            ✓
          </span>{' '}
          You have voted in this election.
        </p>
        {!status.hasPassphrase ? (
          <p>You voted without a passphrase, so nobody can look up or change your ballot, including you.</p>
        ) : facts.view.ok ? (
          <PassphraseForm ctx={ctx} election={election} facts={facts} attemptLimit={attemptLimit} problem={problem} />
        ) : (
          <p>
            <TextWithTimes text={ctx.explain(facts.view)} />
          </p>
        )}
      </>
    );
  } else if (facts.eligible && status.loginTaken) {
    body = <p class="state state-info">{ctx.explain({ ok: false, code: 'login-taken', login })}</p>;
  } else if (facts.eligible) {
    body =
      phase === 'running' ? (
        <>
          <p class="state state-todo">You are on the voter list and have not voted yet.</p>
          <p>
            <a class="button primary" href={`/app/elections/${key}/vote`}>
              Vote now
            </a>
          </p>
        </>
      ) : phase === 'upcoming' ? (
        <p class="state state-info">
          You are on the voter list. Voting opens <When date={election.startDatetime} now={facts.now} />.
        </p>
      ) : (
        <p class="state state-info">You were on the voter list but did not vote. Voting has closed.</p>
      );
  } else {
    body = (
      <>
        <p class="state state-info">
          You are signed in as <strong>{login}</strong>, who is not on this election's voter list.
        </p>
        {facts.request !== null ? (
          <ExceptionStatus request={facts.request} onVoterList={facts.eligible} link={`/app/elections/${key}/exception`} />
        ) : facts.exception.ok ? (
          <p>
            If you think you should be able to vote, you can ask the election officers for an exception until{' '}
            <When date={election.exceptionDue} />.{' '}
            <a class="button" href={`/app/elections/${key}/exception`}>
              Request an exception
            </a>
          </p>
        ) : phase !== 'completed' ? (
          <p class="muted">
            <TextWithTimes text={ctx.explain(facts.exception)} />
          </p>
        ) : null}
      </>
    );
  }
  return (
    <section class="card vote-box" aria-labelledby="your-vote">
      <h2 id="your-vote">Your vote</h2>
      {body}
      <ResultsWhere election={election} facts={facts} />
      {facts.results.ok ? (
        <p>
          <a class="button" href={`/app/elections/${key}/results/`}>
            Read the results
          </a>
        </p>
      ) : null}
    </section>
  );
}

/** A candidate in the list: the name, and the first of `show_candidate_fields` under it. */
function CandidateLine({ election, candidate }: { election: Election; candidate: Candidate }) {
  const first = election.showCandidateFields[0];
  const sub = first === undefined ? undefined : candidate.info.find((f) => f.key.toLowerCase() === first.toLowerCase())?.value;
  return (
    <li>
      <a href={`/app/elections/${election.key}/candidates/${encodeURIComponent(candidate.id)}`}>{candidate.name}</a>
      {sub !== undefined && sub !== '' ? <span class="sub">{sub}</span> : null}
    </li>
  );
}

export function ElectionPage({ ctx, election, facts, candidates, attemptLimit, passphraseProblem }: ElectionPageProps) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={election.name}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
      ]}
    >
      <ElectionHeader election={election} phase={facts.phase} now={facts.now} />
      {passphraseProblem !== undefined ? (
        <ErrorSummary title="Your ballot was not opened" errors={[{ id: 'open-password', text: passphraseProblem.message }]} />
      ) : null}
      <div class="columns">
        <div class="column-main">
          <VoteBox ctx={ctx} election={election} facts={facts} attemptLimit={attemptLimit} problem={passphraseProblem} />
          {fragment(election, 'about', () => (
            <section class="card" aria-labelledby="about">
              <h2 id="about">About this election</h2>
              <Prose html={election.descriptionHtml} empty="The officers have not written a description." />
            </section>
          ))}
          <section class="card" aria-labelledby="candidates">
            <h2 id="candidates">Candidates</h2>
            {candidates.length === 0 ? (
              <p class="muted">No candidates yet.</p>
            ) : (
              <>
                <p class="hint">Shown in an order shuffled for you, the same as on your ballot.</p>
                <ul class="candidate-list">
                  {candidates.map((c) => fragment(c, key, () => <CandidateLine election={election} candidate={c} />))}
                </ul>
              </>
            )}
          </section>
        </div>
        <aside class="column-side" aria-label="Election details">
          <section class="card" aria-labelledby="when">
            <h2 id="when">When</h2>
            <ElectionDates election={election} now={facts.now} />
          </section>
          {fragment(election, 'who', () => (
            <section class="card" aria-labelledby="who">
              <h2 id="who">Who can vote</h2>
              <Prose html={election.eligibilityHtml} empty="The officers have not described who may vote." />
            </section>
          ))}
          <ElectionRules election={election} />
          {facts.officer ? (
            <section class="card" aria-labelledby="officer">
              <h2 id="officer">You are an officer</h2>
              <p>See turnout, review exception requests and, once voting closes, count the ballots.</p>
              <p>
                <a class="button" href={`/app/elections/${key}/admin/`}>
                  Open the officer area
                </a>
              </p>
              {election.warnings.length > 0 ? (
                <>
                  <h3 id="file-warnings">Warnings in this election's files</h3>
                  <p class="hint">
                    Only officers see these. The election works as Elekto would run it; fix the files to clear them (
                    <code>scrutin validate --strict</code> lists them too).
                  </p>
                  <ul class="problems" aria-labelledby="file-warnings">
                    {election.warnings.map((p) => (
                      <li>
                        <code>
                          {p.file}
                          {p.line !== undefined ? `:${p.line}` : ''}
                        </code>{' '}
                        {p.message}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ) : null}
        </aside>
      </div>
    </Layout>
  );
}
