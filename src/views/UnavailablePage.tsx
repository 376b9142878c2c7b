import type { Problem } from '../core/meta/types.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

/** An election whose files do not parse: voters learn it is unavailable; its officers see why. */
export function UnavailablePage({
  ctx,
  name,
  electionKey,
  problems,
  officer,
}: {
  ctx: PageContext;
  name: string;
  electionKey: string;
  problems: Problem[];
  officer: boolean;
}) {
  return (
    <Layout ctx={ctx} title={`${name} is unavailable`}>
      <section class="card narrow-card">
        <p class="org">Election</p>
        <h1>{name} is unavailable</h1>
        <p>
          This election's files in the meta repository have errors, so it cannot be shown or voted in right now. Please try again later.
        </p>
        {officer ? (
          <>
            <h2>What the officers need to fix</h2>
            <ul class="problems">
              {problems.map((p) => (
                <li>
                  <code>
                    {p.file}
                    {p.line !== undefined ? `:${p.line}` : ''}
                  </code>{' '}
                  {p.message}
                </li>
              ))}
            </ul>
            <p>
              <a class="button" href={`/app/elections/${electionKey}/admin/`}>
                Open the officer area
              </a>
            </p>
          </>
        ) : null}
        <p>
          <a href="/app/elections">See all elections</a>
        </p>
      </section>
    </Layout>
  );
}
