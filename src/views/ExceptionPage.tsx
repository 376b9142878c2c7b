import type { Election } from '../core/meta/types.js';
import { ErrorSummary, FieldError } from './components/ErrorSummary.js';
import { ExceptionStatus } from './components/ExceptionStatus.js';
import { Prose } from './components/Prose.js';
import { When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';
import type { ExceptionRequest } from '../core/records.js';

export const EXCEPTION_LIMITS = { name: 255, email: 255, chat: 255, description: 5000, comments: 5000 } as const;
export type ExceptionField = keyof typeof EXCEPTION_LIMITS;

export interface ExceptionFormProps {
  ctx: PageContext;
  election: Election;
  now: Date;
  values: Partial<Record<ExceptionField, string>>;
  errors?: Partial<Record<ExceptionField, string>>;
}

const crumbs = (election: Election): Array<[string, string]> => [
  ['Elections', '/app/elections'],
  [election.name, `/app/elections/${election.key}`],
  ['Exception request', `/app/elections/${election.key}/exception`],
];

const LABELS: Record<ExceptionField, string> = {
  name: 'Your name',
  email: 'Email address',
  chat: 'Chat handle (optional)',
  description: 'Your contributions',
  comments: 'Anything else (optional)',
};

function Field({
  name,
  values,
  errors,
  type,
  autocomplete,
  hint,
  required,
}: {
  name: ExceptionField;
  values: ExceptionFormProps['values'];
  errors: ExceptionFormProps['errors'];
  type?: 'text' | 'email' | 'textarea';
  autocomplete?: string;
  hint?: string;
  required: boolean;
}) {
  const err = errors?.[name];
  const described = [err !== undefined ? `${name}-error` : null, hint !== undefined ? `${name}-hint` : null]
    .filter((x) => x !== null)
    .join(' ');
  const common = {
    id: name,
    name,
    maxlength: EXCEPTION_LIMITS[name],
    required,
    'aria-invalid': err !== undefined ? 'true' : undefined,
    'aria-describedby': described === '' ? undefined : described,
  };
  return (
    <div class="field">
      <label for={name}>{LABELS[name]}</label>
      {hint !== undefined ? (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      {type === 'textarea' ? (
        <textarea {...common} rows={6}>
          {values[name] ?? ''}
        </textarea>
      ) : (
        <input {...common} type={type ?? 'text'} value={values[name] ?? ''} autocomplete={autocomplete} />
      )}
      <FieldError id={`${name}-error`} text={err} />
    </div>
  );
}

export function ExceptionFormPage({ ctx, election, now, values, errors }: ExceptionFormProps) {
  const list = Object.entries(errors ?? {}).map(([id, text]) => ({ id, text }));
  return (
    <Layout ctx={ctx} title={`Request an exception · ${election.name}`} script crumbs={crumbs(election)}>
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Request an exception</h1>
        <p class="page-head-meta">
          Requests close <When date={election.exceptionDue} now={now} />.
        </p>
      </header>
      {list.length > 0 ? <ErrorSummary title="Please correct the form" errors={list} /> : null}
      <div class="card form-card">
        <Prose html={election.exceptionDescriptionHtml} />
        <p>
          You are signed in as <strong>{ctx.user?.login ?? ''}</strong>, who is not on this election's voter list. The election officers
          read each request and decide. If they approve it, they add your login to the voter list in the meta repository, and you can vote
          once that change is live. You can send <strong>one request</strong> for this election.
        </p>
        <form method="post" action={`/app/elections/${election.key}/exception`} class="stack-form" novalidate>
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <Field name="name" values={values} errors={errors} autocomplete="name" required />
          <Field
            name="email"
            values={values}
            errors={errors}
            type="email"
            autocomplete="email"
            hint="Only the election officers see it, to reach you about this request."
            required
          />
          <Field
            name="chat"
            values={values}
            errors={errors}
            hint="For example your Slack or Discord name, if the officers know you there."
            required={false}
          />
          <Field
            name="description"
            values={values}
            errors={errors}
            type="textarea"
            hint="What have you contributed that makes you eligible? Links to pull requests, issues, meetings or events help."
            required
          />
          <Field name="comments" values={values} errors={errors} type="textarea" required={false} />
          <p class="submit-row">
            <button type="submit" class="button primary">
              Send my request
            </button>
          </p>
        </form>
      </div>
    </Layout>
  );
}

const DECISION_TITLE = { pending: 'Waiting for the officers', approved: 'Approved', denied: 'Denied' } as const;

export function ExceptionStatusPage({
  ctx,
  election,
  request,
  onVoterList,
}: {
  ctx: PageContext;
  election: Election;
  request: ExceptionRequest;
  onVoterList: boolean;
}) {
  return (
    <Layout ctx={ctx} title={`Your exception request · ${election.name}`} script crumbs={crumbs(election)}>
      <header class="page-head">
        <p class="org">{election.name}</p>
        <h1>Your exception request</h1>
        {request.createdAt !== null ? (
          <p class="page-head-meta">
            Sent <When date={request.createdAt} />.
          </p>
        ) : null}
      </header>
      <section class="card" aria-labelledby="decision">
        <h2 id="decision">{DECISION_TITLE[request.decision ?? 'pending']}</h2>
        <ExceptionStatus request={request} onVoterList={onVoterList} />
      </section>
      <section class="card" aria-labelledby="sent">
        <h2 id="sent">What you sent</h2>
        <dl class="facts stacked">
          <div>
            <dt>Name</dt>
            <dd>{request.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{request.email}</dd>
          </div>
          {request.chat !== '' ? (
            <div>
              <dt>Chat handle</dt>
              <dd>{request.chat}</dd>
            </div>
          ) : null}
          <div>
            <dt>Contributions</dt>
            <dd class="pre">{request.description}</dd>
          </div>
          {request.comments !== '' ? (
            <div>
              <dt>Comments</dt>
              <dd class="pre">{request.comments}</dd>
            </div>
          ) : null}
        </dl>
      </section>
      <p>
        <a class="button" href={`/app/elections/${election.key}`}>
          Back to the election
        </a>
      </p>
    </Layout>
  );
}
