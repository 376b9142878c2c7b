import type { Election } from '../core/meta/types.js';
import { When } from './components/When.js';
import { Prose } from './components/Prose.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** The officers' published `results.md`, once voting has closed. */
export function ResultsPage({ ctx, election, resultsHtml }: { ctx: PageContext; election: Election; resultsHtml: string }) {
  const key = election.key;
  return (
    <Layout
      ctx={ctx}
      title={`Results · ${election.name}`}
      crumbs={[
        ['Elections', '/app/elections'],
        [election.name, `/app/elections/${key}`],
        ['Results', `/app/elections/${key}/results/`],
      ]}
    >
      <header class="page-head">
        <p class="org">{election.organization ?? 'Election'}</p>
        <h1>Results: {election.name}</h1>
        <p class="page-head-meta">
          Voting closed <When date={election.endDatetime} />. Published by the election officers.
        </p>
      </header>
      <article class="card">
        <Prose html={resultsHtml} />
      </article>
      <p>
        <a class="button" href={`/app/elections/${key}`}>
          Back to the election
        </a>
      </p>
    </Layout>
  );
}
