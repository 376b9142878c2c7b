import type { Election } from '../core/meta/types.js';
import type { ElectionFacts } from '../app/electionFacts.js';
import { ExceptionStatus } from './components/ExceptionStatus.js';
import { Prose } from './components/Prose.js';
import { TextWithTimes, When } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export function NotEligiblePage({ ctx, election, facts }: { ctx: PageContext; election: Election; facts: ElectionFacts }) {
  const key = election.key;
  const login = ctx.user?.login ?? '';
  return (
    <Layout
      ctx={ctx}
      title={`Not on the voter list · ${election.name}`}
      script
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Not eligible', `/app/elections/${key}/vote`],
      ]}
    >
      <section class="card narrow-card" aria-labelledby="title">
        <p class="org">{election.name}</p>
        <h1 id="title">You are not on the voter list</h1>
        <p>
          You are signed in as <strong>{login}</strong>. This election's voter list does not include that GitHub login (letter case does not
          matter), so you cannot vote in it.
        </p>
        <h2>Who can vote</h2>
        <Prose html={election.eligibilityHtml} empty="The officers have not described who may vote." />
        <h2>Think you should be on the list?</h2>
        {facts.request !== null ? (
          <>
            <p>You have already sent an exception request.</p>
            <ExceptionStatus request={facts.request} onVoterList={facts.eligible} link={`/app/elections/${key}/exception`} />
          </>
        ) : facts.exception.ok ? (
          <>
            <p>
              Ask the election officers for an exception. You can send one request, until{' '}
              <When date={election.exceptionDue} now={facts.now} />.
            </p>
            <p>
              <a class="button primary" href={`/app/elections/${key}/exception`}>
                Request an exception
              </a>
            </p>
          </>
        ) : (
          <p>
            <TextWithTimes text={ctx.explain(facts.exception)} /> If you believe this is a mistake, contact the election officers.
          </p>
        )}
        <p>
          <a href={`/app/elections/${key}`}>Back to the election</a>
        </p>
      </section>
    </Layout>
  );
}
