import { TextWithTimes } from './components/When.js';
import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

export interface ErrorPageProps {
  ctx: PageContext;
  status: number;
  title: string;
  message: string;
  /** Where to go next, e.g. ['Back to the election', '/app/elections/x']. */
  next?: [string, string];
  /** Technical detail, only in APP_DEBUG. */
  detail?: string;
}

export function ErrorPage({ ctx, status, title, message, next, detail }: ErrorPageProps) {
  return (
    <Layout ctx={ctx} title={title} script>
      <section class="card error-card">
        <p class="status-code">Error {status}</p>
        <h1>{title}</h1>
        <p>
          <TextWithTimes text={message} />
        </p>
        <p>
          {next !== undefined ? (
            <a class="button" href={next[1]}>
              {next[0]}
            </a>
          ) : (
            <a class="button" href={ctx.user === null ? '/elections' : '/app'}>
              Go to the start page
            </a>
          )}
        </p>
        {detail !== undefined ? <pre class="debug">{detail}</pre> : null}
      </section>
    </Layout>
  );
}
