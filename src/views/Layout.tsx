import type { Child } from 'hono/jsx';
import { TextWithTimes } from './components/When.js';
import type { PageContext } from './page.js';

interface Props {
  ctx: PageContext;
  title: string;
  children?: Child;
  /**
   * The one page script (local times, passphrase toggles, the ballot's ranking) loads
   * on every page, so every date shows local time too; `false` leaves it out.
   */
  script?: boolean;
  /** Breadcrumb trail: [label, href] pairs, the last one is the current page. */
  crumbs?: Array<[string, string]>;
  /** A second stylesheet (the count's tables on the public results page). */
  stylesheet?: string;
  /** Reload the page after this many seconds (works without JavaScript and under the CSP). */
  refreshSeconds?: number;
}

function NavLink({ ctx, href, label }: { ctx: PageContext; href: string; label: string }) {
  const current = ctx.path === href || (href !== '/app' && ctx.path.startsWith(`${href}/`));
  return (
    <li>
      <a href={href} aria-current={current ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

export function Layout({ ctx, title, children, script, crumbs, refreshSeconds, stylesheet }: Props) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds !== undefined ? <meta http-equiv="refresh" content={String(refreshSeconds)} /> : null}
        <title>{`${title} · ${ctx.appName}`}</title>
        <link rel="stylesheet" href={ctx.assets.css} />
        {stylesheet !== undefined ? <link rel="stylesheet" href={stylesheet} /> : null}
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        {script !== false ? <script src={ctx.assets.js} defer></script> : null}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          {/* Inside the banner landmark, so screen-reader users moving by landmark meet it too. */}
          {ctx.devLogin ? (
            <p class="dev-banner">Development sign-in is on: anyone can sign in as any login. Never use this set-up for a real election.</p>
          ) : null}
          <div class="wrap header-row">
            <a class="brand" href={ctx.user === null ? '/elections' : '/app'}>
              {ctx.appName}
            </a>
            <nav aria-label="Main">
              <ul class="nav">
                {ctx.user !== null ? (
                  <>
                    <NavLink ctx={ctx} href="/app" label="Dashboard" />
                    <NavLink ctx={ctx} href="/app/elections" label="Elections" />
                  </>
                ) : (
                  <NavLink ctx={ctx} href="/elections" label="Elections" />
                )}
              </ul>
            </nav>
            <div class="account">
              {ctx.user !== null ? (
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <span class="who">
                    Signed in as <strong>{ctx.user.login}</strong>
                  </span>{' '}
                  <button type="submit" class="link-button">
                    Sign out
                  </button>
                </form>
              ) : (
                <a href="/login" class="button small">
                  Sign in
                </a>
              )}
            </div>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {crumbs !== undefined && crumbs.length > 0 ? (
            <nav aria-label="Breadcrumb" class="crumbs">
              <ol>
                {crumbs.map(([label, href], i) => (
                  <li>{i === crumbs.length - 1 ? <span aria-current="page">{label}</span> : <a href={href}>{label}</a>}</li>
                ))}
              </ol>
            </nav>
          ) : null}
          {ctx.flash.length > 0 ? (
            <div class="flashes">
              {ctx.flash.map((f) => (
                <p class={`flash flash-${f.kind}`} role={f.kind === 'error' ? 'alert' : 'status'}>
                  <TextWithTimes text={f.text} />
                </p>
              ))}
            </div>
          ) : null}
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>
              {ctx.appName === 'Scrutin' ? 'Scrutin' : `${ctx.appName} runs on Scrutin`}: elections for open-source communities, counted by
              the method each election declares (Schulze unless it says otherwise). Your ballot is secret: it is stored apart from your
              name.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
