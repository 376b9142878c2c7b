// A fake GitHub OAuth provider on 127.0.0.1 (a random port): the authorize page,
// the token endpoint and the /user API, enough for Scrutin's sign-in to run for real
// over HTTP. Tests choose who signs in next and can make GitHub deny, fail or lie.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAccount {
  login: string;
  id: number;
  name: string | null;
}

export type FakeMode =
  /** Approve at once (GitHub does this when the app was authorised before). */
  | 'approve'
  /** The user clicks "Cancel": back with error=access_denied. */
  | 'deny'
  /** The token endpoint answers 200 with an `error` field, as GitHub does for a bad code. */
  | 'bad-code'
  /** The token endpoint fails with a 500. */
  | 'token-500'
  /** /user answers 401. */
  | 'profile-401'
  /** /user answers with something that is not a profile. */
  | 'profile-garbage';

export interface FakeGitHub {
  /** e.g. http://127.0.0.1:41234 — use as GITHUB_URL and GITHUB_API_URL. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in on the next authorisation. */
  account: FakeAccount;
  mode: FakeMode;
  /** Every access token handed out (to check none is ever stored or logged). */
  issuedTokens: string[];
  /** Every request the fake received, as "METHOD path". */
  requests: string[];
  /** The redirect_uri of the last authorisation request. */
  lastRedirectUri: string | null;
  close: () => Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      resolve(data);
    });
    req.on('error', reject);
  });
}

/** Starts the fake. `apiPrefix` lets a test mimic GitHub Enterprise (`/api/v3`). */
export async function startFakeGitHub(options: { apiPrefix?: string } = {}): Promise<FakeGitHub> {
  const apiPrefix = options.apiPrefix ?? '';
  const codes = new Map<string, { account: FakeAccount; redirectUri: string }>();
  const tokens = new Map<string, FakeAccount>();
  const fake: FakeGitHub = {
    url: '',
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    account: { login: 'octocat', id: 583231, name: 'The Octocat' },
    mode: 'approve',
    issuedTokens: [],
    requests: [],
    lastRedirectUri: null,
    close: () => Promise.resolve(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    fake.requests.push(`${req.method ?? ''} ${url.pathname}`);

    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri');
      const state = url.searchParams.get('state');
      if (url.searchParams.get('client_id') !== fake.clientId || redirectUri === null || state === null) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('bad authorize request');
        return;
      }
      fake.lastRedirectUri = redirectUri;
      const back = new URL(redirectUri);
      back.searchParams.set('state', state);
      if (fake.mode === 'deny') {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The user has denied your application access.');
      } else {
        const code = randomBytes(10).toString('hex');
        codes.set(code, { account: { ...fake.account }, redirectUri });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.href });
      res.end();
      return;
    }

    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await readBody(req));
      const expected = `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`;
      if (fake.mode === 'token-500') {
        json(res, 500, { message: 'boom' });
        return;
      }
      if (req.headers.authorization !== expected) {
        json(res, 401, {
          error: 'incorrect_client_credentials',
          error_description: 'The client_id and/or client_secret passed are incorrect.',
        });
        return;
      }
      const code = form.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      if (fake.mode === 'bad-code' || grant?.redirectUri !== form.get('redirect_uri')) {
        json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
        return;
      }
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, grant.account);
      fake.issuedTokens.push(token);
      json(res, 200, { access_token: token, token_type: 'bearer', scope: '' });
      return;
    }

    if (req.method === 'GET' && url.pathname === `${apiPrefix}/user`) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const account = token === undefined ? undefined : tokens.get(token);
      if (fake.mode === 'profile-401' || account === undefined) {
        json(res, 401, { message: 'Bad credentials' });
        return;
      }
      if (fake.mode === 'profile-garbage') {
        json(res, 200, { hello: 'world' });
        return;
      }
      json(res, 200, { login: account.login, id: account.id, name: account.name, type: 'User' });
      return;
    }

    json(res, 404, { message: 'Not Found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return fake;
}

/** The environment that points Scrutin at this fake. */
export function githubEnv(fake: FakeGitHub, apiPrefix = ''): Record<string, string> {
  return {
    GITHUB_CLIENT_ID: fake.clientId,
    GITHUB_CLIENT_SECRET: fake.clientSecret,
    GITHUB_URL: fake.url,
    GITHUB_API_URL: `${fake.url}${apiPrefix}`,
  };
}
