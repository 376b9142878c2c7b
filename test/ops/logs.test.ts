// No log line (and no metric) may carry a passphrase, a token, a cookie or a webhook
// signature. Each flow below sends such secrets the way a browser, GitHub or
// Prometheus would; afterwards every captured line is searched for every secret.
//
// Adding a flow: drive it inside the test with `remember(secret)` for each secret
// value it sends, before the scan at the end.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { startTestApp } from '../helpers/app.js';

describe('logs and metrics never hold secrets', { timeout: 60_000 }, () => {
  it('after sign-in, OAuth callback, webhook, password forms and scrapes', async () => {
    const metricsToken = 'mt-6b1d0c5e8f2a4979';
    const t = await startTestApp({ env: { LOG_LEVEL: 'trace', METRICS_TOKEN: metricsToken } });
    const secrets = new Map<string, string>();
    const remember = (what: string, value: string) => {
      assert.ok(value.length >= 8, `${what} is long enough to search for`);
      secrets.set(what, value);
    };
    try {
      const c = t.client();
      remember('metrics token', metricsToken);

      // Development sign-in: the session cookie and the form's CSRF token.
      const csrf = await c.csrf('/login');
      remember('CSRF token', csrf);
      await c.signIn('alice');
      const session = c.cookies.get('scrutin_session');
      assert.ok(session !== undefined, 'signed in');
      remember('session cookie', session);
      assert.equal((await c.get('/app')).statusCode < 500, true);

      // The OAuth callback carries a one-time code and state in its query string.
      const code = 'oauth-code-9f8e7d6c5b4a';
      const state = 'oauth-state-1a2b3c4d5e6f';
      remember('OAuth code', code);
      remember('OAuth state', state);
      await c.get(`/oauth/github/callback?code=${code}&state=${state}`);

      // A GitHub webhook: the signature header (an HMAC of the secret) and a body.
      const webhookSecret = 'whsec-0f1e2d3c4b5a6978';
      const payload = JSON.stringify({ ref: 'refs/heads/main', after: 'c0ffee', hook: { config: { secret: webhookSecret } } });
      const signature = `sha256=${createHmac('sha256', webhookSecret).update(payload).digest('hex')}`;
      remember('webhook secret', webhookSecret);
      remember('webhook signature', signature);
      await t.service.app.inject({
        method: 'POST',
        url: '/v1/webhooks/meta/sync',
        payload,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': signature,
          'x-hub-signature': `sha1=${signature.slice(7, 47)}`,
        },
      });

      // Forms with a passphrase: on a route that exists (fields it ignores), on one
      // that fails validation, and on the vote form's address.
      const passphrase = 'correct horse battery staple 42';
      remember('passphrase', passphrase);
      const visitor = t.client();
      assert.equal(
        (await visitor.post('/login/dev', { username: '-not valid-', password: passphrase }, { csrfFrom: '/login' })).statusCode,
        400,
      );
      assert.equal(
        (await visitor.post('/login/dev', { username: 'bob', password: passphrase, passphrase }, { csrfFrom: '/login' })).statusCode,
        303,
      );
      // Signed-in pages carry the token in the sign-out form of the header.
      await c.post('/app/elections/2024-board/vote', { 'candidate@ann': '1', password: passphrase, passphrase }, { csrfFrom: '/app' });
      await c.post('/app/elections/2024-board/vote/view', { password: passphrase }, { csrfFrom: '/app' });
      await c.post('/app/elections/2024-board/vote', { password: passphrase });

      // A token in a query string and a bearer token in a header.
      const queryToken = 'qs-token-5e4d3c2b1a09';
      remember('query token', queryToken);
      await c.get(`/login?token=${queryToken}&access_token=${queryToken}`);
      const bearer = 'gho_bearer0123456789abcdef';
      remember('bearer token', bearer);
      await c.get('/app', { authorization: `Bearer ${bearer}` });

      // Scrapes, right and wrong.
      await c.get('/metrics', { authorization: `Bearer ${metricsToken}-wrong` });
      const scrape = await c.get('/metrics', { authorization: `Bearer ${metricsToken}` });
      assert.equal(scrape.statusCode, 200);

      // The capture works: the flows above were logged.
      const all = t.logs.join('');
      assert.ok(t.logs.length > 20, `expected many log lines, got ${t.logs.length}`);
      for (const path of ['/login/dev', '/v1/webhooks/meta/sync', '/oauth/github/callback', '/app/elections/2024-board/vote']) {
        assert.ok(all.includes(path), `the log mentions ${path}`);
      }

      // Structured: every line is JSON, and request lines carry the request id.
      const parsed = t.logs.map((line) => JSON.parse(line) as { msg?: string; reqId?: string });
      const completed = parsed.filter((l) => l.msg === 'request completed');
      assert.ok(completed.length > 10);
      for (const l of completed) assert.match(l.reqId ?? '', /^[0-9a-f-]{36}$/);

      for (const [what, value] of secrets) {
        const hits = t.logs.filter((line) => line.includes(value) || line.includes(encodeURIComponent(value)));
        assert.deepEqual(hits, [], `the ${what} appears in the logs`);
        assert.ok(!scrape.body.includes(value), `the ${what} appears in the metrics`);
      }
      // Not even a fragment of the passphrase's words.
      assert.ok(!/battery staple|correct horse|horse\+battery/.test(all), 'no part of the passphrase is logged');
    } finally {
      await t.close();
    }
  });

  it('the scan would catch a leak (the logger is the one that is searched)', async () => {
    const t = await startTestApp();
    try {
      t.service.ctx.log.info({ note: 'canary-7c6b5a4d3e2f' }, 'a line with a canary');
      assert.ok(t.logs.some((line) => line.includes('canary-7c6b5a4d3e2f')));
      // Redaction covers the usual names wherever they sit in an object.
      t.service.ctx.log.info({ password: 'pw-canary-1', nested: { passphrase: 'pp-canary-2', token: 'tk-canary-3' } }, 'redacted fields');
      // A MySQL driver error carries the statement with its values inlined (a ballot's rows).
      const driverError = Object.assign(new Error('Duplicate entry'), {
        code: 'ER_DUP_ENTRY',
        sql: "insert into `ballot` values ('sql-canary-4', 1, 'alice')",
      });
      t.service.ctx.log.error({ err: driverError }, 'request failed');
      const joined = t.logs.join('');
      for (const canary of ['pw-canary-1', 'pp-canary-2', 'tk-canary-3', 'sql-canary-4'])
        assert.ok(!joined.includes(canary), `${canary} is redacted`);
      assert.ok(joined.includes('ER_DUP_ENTRY'), 'the rest of the error is kept');
    } finally {
      await t.close();
    }
  });
});
