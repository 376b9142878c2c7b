import { Layout } from './Layout.js';
import type { PageContext } from './page.js';

interface Props {
  ctx: PageContext;
  /** Same-site path to return to after sign-in. */
  next: string | null;
  /** GitHub sign-in configured. */
  github: boolean;
  /** Demo logins to suggest on the development form. */
  suggestions: string[];
}

export function LoginPage({ ctx, next, github, suggestions }: Props) {
  return (
    <Layout ctx={ctx} title="Sign in">
      <section class="card narrow">
        <h1>Sign in</h1>
        <p>Sign in to see the elections you can vote in, cast or change your ballot, or run an election as an officer.</p>
        {github ? (
          <form method="post" action="/oauth/github/login">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            {next !== null ? <input type="hidden" name="next" value={next} /> : null}
            <button type="submit" class="button primary wide">
              Sign in with GitHub
            </button>
          </form>
        ) : null}
        {ctx.devLogin ? (
          <form method="post" action="/login/dev" class="dev-login">
            <h2>Development sign-in</h2>
            <p class="hint">No GitHub client is configured and APP_ENV is development, so you can sign in as any GitHub login.</p>
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            {next !== null ? <input type="hidden" name="next" value={next} /> : null}
            <label for="username">GitHub login</label>
            <input
              id="username"
              name="username"
              required
              autocomplete="username"
              pattern="[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
              maxlength={39}
              list="demo-logins"
            />
            {suggestions.length > 0 ? (
              <>
                <datalist id="demo-logins">
                  {suggestions.map((s) => (
                    <option value={s} />
                  ))}
                </datalist>
                <p class="hint">Demo logins: {suggestions.join(', ')}.</p>
              </>
            ) : null}
            <button type="submit" class="button primary">
              Sign in
            </button>
          </form>
        ) : null}
        {!github && !ctx.devLogin ? (
          <p role="alert">
            Sign-in is not configured on this server. Ask its administrator to set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.
          </p>
        ) : null}
      </section>
    </Layout>
  );
}
