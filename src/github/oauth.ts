// GitHub sign-in (SPEC §3): the OAuth authorization-code flow through arctic's
// generic OAuth2Client, with endpoints built from GITHUB_URL and GITHUB_API_URL so
// GitHub Enterprise Server and the tests' fake provider work the same way. The
// access token lives only inside `signInWithCode`: it reads the profile and is gone.
import { ArcticFetchError, OAuth2Client, OAuth2RequestError, generateState } from 'arctic';
import { z } from 'zod';
import type { Config } from '../config.js';

/** How long any one call to GitHub may take before sign-in gives up. */
export const GITHUB_TIMEOUT_MS = 10_000;

export interface GitHubProfile {
  login: string;
  /** GitHub's numeric account id, as text (it outgrows 2^31). */
  id: string;
  name: string | null;
}

/** Why sign-in failed, in words a voter can act on; `detail` is for the log only. */
export class GitHubSignInError extends Error {
  constructor(
    readonly kind: 'token' | 'profile' | 'unreachable',
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'GitHubSignInError';
  }
}

const profileSchema = z.object({
  // GitHub.com logins have at most 39 characters; Enterprise (EMU) logins can be longer.
  login: z.string().trim().min(1).max(255),
  id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  name: z.string().max(255).nullable().optional(),
});

/** `base` + `/path`, keeping any path in `base` (GHES: https://ghe.example/api/v3). */
export function joinUrl(base: URL, path: string): string {
  return `${base.href.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new GitHubSignInError('unreachable', 'GitHub did not answer in time. Please try again.', `${what} timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export class GitHubOAuth {
  private readonly client: OAuth2Client;
  readonly authorizeEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userEndpoint: string;

  constructor(
    clientId: string,
    clientSecret: string,
    readonly redirectUri: string,
    githubUrl: URL,
    apiUrl: URL,
    private readonly timeoutMs = GITHUB_TIMEOUT_MS,
  ) {
    this.client = new OAuth2Client(clientId, clientSecret, redirectUri);
    this.authorizeEndpoint = joinUrl(githubUrl, '/login/oauth/authorize');
    this.tokenEndpoint = joinUrl(githubUrl, '/login/oauth/access_token');
    this.userEndpoint = joinUrl(apiUrl, '/user');
  }

  /**
   * null when no GitHub client is configured. With `host` (a community's own host name
   * from COMMUNITIES), the callback is on that host, so the sign-in cookies set there
   * come back to it; only configured host names are ever used, never a Host header.
   */
  static fromConfig(config: Config, host?: string): GitHubOAuth | null {
    const { clientId, clientSecret, redirect, url, apiUrl } = config.github;
    if (clientId === null || clientSecret === null) return null;
    const base = host === undefined ? config.appUrl : new URL(`${config.appUrl.protocol}//${host}`);
    return new GitHubOAuth(clientId, clientSecret, new URL(redirect, base).href, url, apiUrl);
  }

  newState(): string {
    return generateState();
  }

  /** Where to send the browser. No scopes: the public profile is all Scrutin reads. */
  authorizationUrl(state: string): URL {
    return this.client.createAuthorizationURL(this.authorizeEndpoint, state, []);
  }

  /** Exchanges the code, reads the profile, and drops the token. */
  async signInWithCode(code: string): Promise<GitHubProfile> {
    const token = await this.exchange(code);
    return this.profile(token);
  }

  private async exchange(code: string): Promise<string> {
    try {
      const tokens = await withTimeout(
        this.client.validateAuthorizationCode(this.tokenEndpoint, code, null),
        this.timeoutMs,
        'token exchange',
      );
      // GitHub answers a bad or reused code with 200 and an `error` field.
      const data = tokens.data as Record<string, unknown>;
      if (typeof data.error === 'string') {
        throw new GitHubSignInError(
          'token',
          'GitHub did not accept this sign-in (the link may have expired). Please sign in again.',
          `token endpoint error: ${data.error}`,
        );
      }
      return tokens.accessToken();
    } catch (error) {
      if (error instanceof GitHubSignInError) throw error;
      if (error instanceof OAuth2RequestError) {
        throw new GitHubSignInError(
          'token',
          'GitHub did not accept this sign-in (the link may have expired). Please sign in again.',
          `token endpoint error: ${error.code}`,
        );
      }
      if (error instanceof ArcticFetchError) {
        throw new GitHubSignInError(
          'unreachable',
          'GitHub could not be reached. Please try again in a moment.',
          `token endpoint unreachable: ${String(error.cause)}`,
        );
      }
      throw new GitHubSignInError(
        'token',
        'GitHub sign-in failed. Please try again.',
        `token exchange failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async profile(token: string): Promise<GitHubProfile> {
    let response: Response;
    try {
      response = await fetch(this.userEndpoint, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'user-agent': 'scrutin',
          'x-github-api-version': '2022-11-28',
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GitHubSignInError(
        'unreachable',
        'GitHub could not be reached. Please try again in a moment.',
        `profile request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GitHubSignInError(
        'profile',
        'GitHub did not give us your profile. Please try again.',
        `profile request answered ${response.status}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new GitHubSignInError('profile', 'GitHub gave an unreadable answer. Please try again.', 'profile body is not JSON');
    }
    const parsed = profileSchema.safeParse(body);
    if (!parsed.success) {
      throw new GitHubSignInError(
        'profile',
        'GitHub gave an unexpected answer. Please try again.',
        `profile body has an unexpected shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    const name = parsed.data.name?.trim();
    return { login: parsed.data.login, id: String(parsed.data.id), name: name === undefined || name === '' ? null : name };
  }
}
