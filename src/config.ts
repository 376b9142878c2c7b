// Configuration: every Elekto environment variable, plus Scrutin's own, read from
// the process environment and from a `.env` file. The real environment wins over
// the file (Elekto lets the file win, which surprises operators who set a variable
// in a unit file or a Kubernetes Secret). Every problem is collected and reported
// in one message, so an operator fixes them all in one go.
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { formatProblem, isRemoteRepo, parseCommunitiesFile, resolveCommunitySecrets } from './core/communities/file.js';

export type AppEnv = 'production' | 'development' | 'test';
export type DbKind = 'sqlite' | 'postgresql' | 'mysql';

export type DbConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgresql' | 'mysql'; host: string; port: number; database: string; user: string; password: string };

/** One community of a COMMUNITIES file, with its meta settings shaped as META_* are. */
export interface CommunityConfig {
  key: string;
  name: string;
  hosts: string[];
  isDefault: boolean;
  logo: string | null;
  colour: string | null;
  contact: string | null;
  meta: Config['meta'];
}

export interface Config {
  appName: string;
  appEnv: AppEnv;
  /** null: generate once and keep it in the database (SPEC §8). */
  appKey: string | null;
  debug: boolean;
  appUrl: URL;
  port: number;
  host: string;
  connect: 'http' | 'socket';
  socketPath: string;
  minPasscodeLength: number;
  db: DbConfig;
  meta: {
    repo: string | null;
    electionDir: string;
    deployment: string;
    path: string;
    branch: string;
    secret: string | null;
    token: string | null;
    /** Seconds between checks of the database-recorded revision (replicas). */
    followInterval: number;
  };
  github: {
    clientId: string | null;
    clientSecret: string | null;
    redirect: string;
    url: URL;
    apiUrl: URL;
  };
  metrics: { token: string | null; port: number | null };
  /**
   * The communities of a COMMUNITIES file (SPEC §10), or null without one: then the
   * service is the single community described by META_* (Elekto's behaviour).
   */
  communities: CommunityConfig[] | null;
  /** Maximum simultaneous passphrase key derivations on the machine (shared out among workers); null = one per CPU core. */
  kdfConcurrency: number | null;
  /** Processes serving HTTP (`scrutin serve`, Node's cluster): one per CPU core by default; 1 = a single process. */
  workers: number;
  /** The derivation queue: longest wait (ms) and most voters waiting (null: as many as can be served within the wait). */
  kdfQueue: { maxWaitMs: number; maxLength: number | null };
  /** How long a vote request waits for its cast before the "sealing your ballot" page (ms). */
  castWaitMs: number;
  /** Waiting on the database, in ms (0 = no limit): see src/storage/db.ts and budget.ts. */
  dbLimits: { acquireMs: number; statementMs: number; lockMs: number; requestMs: number };
  /** Readiness fails when the meta repository could not be refreshed for this long (ms; 0 = never). */
  metaMaxAgeMs: number;
  logLevel: string;
  /** Requests per minute per client address; 0 turns the general limit off. */
  rateLimitPerMinute: number;
  /** Fastify `trustProxy`: false, true, a hop count or a list of addresses/CIDRs (default 1 hop in socket mode). */
  trustProxy: boolean | number | string;
  /**
   * Seconds a client has to send a request: its headers, and the whole request with its
   * body. They bound receiving only; answering (a vote's key derivation) is not limited.
   * Idle keep-alive connections are closed after `keepAlive` seconds.
   */
  timeouts: { headers: number; request: number; keepAlive: number };
  /** Development sign-in (SPEC §3): only in development with no GitHub client. */
  devLogin: boolean;
  /** Warnings to log at startup (weak key in development, missing webhook secret...). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Values that are never acceptable as a secret in production. */
const WEAK_KEYS = new Set([
  'test',
  'changeme',
  'change-me',
  'secret',
  'key',
  'appkey',
  'app_key',
  'password',
  'example',
  'scrutin',
  'elekto',
  'replace-me-with-scrutin-key-output',
  'token',
  'metrics',
  'webhook',
]);
/** What the example files ship (`REPLACE-ME-…` in deploy/kubernetes/secret.yaml) and what people type for "fill in later". */
const PLACEHOLDER = /replace[-_ ]?me|change[-_ ]?me|^<.*>$|^(\.\.\.|…)$/i;
export const MIN_APP_KEY_LENGTH = 16;
/** Shortest METRICS_TOKEN and META_SECRET: a random 16 characters is beyond guessing. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Why a secret's value is not one, or null: an example file's placeholder; for secrets
 * Scrutin's operator chooses (`chosen`), also a common word or fewer than `minLength`
 * characters. Passwords and tokens issued elsewhere are only checked for placeholders.
 */
export function weakSecret(value: string, minLength = 0, chosen = true): string | null {
  if (PLACEHOLDER.test(value) || (chosen && WEAK_KEYS.has(value.toLowerCase()))) return 'is a well-known placeholder';
  if (value.length < minLength) return `is shorter than ${minLength} characters`;
  return null;
}

export const KEY_ADVICE =
  'generate one with `npx scrutin key` (or leave APP_KEY blank to let Scrutin generate and keep one in the database)';

type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) under the process environment: the environment wins. */
export function readEnvironment(processEnv: Env, cwd: string, file = processEnv.ENV_FILE ?? '.env'): Env {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const fromFile: Env = existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) : {};
  const merged: Env = { ...fromFile };
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}

/** Collects problems while reading variables, so all of them are reported at once. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  /** Trimmed value; blank counts as unset (Elekto's .env.example leaves many blank). */
  str(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.str(name);
    if (v === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
    this.problems.push(`${name} must be True or False (got "${v}")`);
    return fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.str(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
      return fallback;
    }
    return Number(v);
  }

  /** A duration written in seconds (decimals allowed), returned in milliseconds. */
  seconds(name: string, fallback: number, min: number, max: number): number {
    const v = this.str(name);
    if (v === undefined) return fallback * 1000;
    if (!/^\d+(\.\d+)?$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name} must be a number of seconds from ${min} to ${max} (got "${v}")`);
      return fallback * 1000;
    }
    return Math.round(Number(v) * 1000);
  }

  oneOf<T extends string>(name: string, allowed: Record<string, T>, fallback: T): T {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const hit = allowed[v.toLowerCase()];
    if (hit === undefined) {
      this.problems.push(`${name} must be one of ${[...new Set(Object.values(allowed))].join(', ')} (got "${v}")`);
      return fallback;
    }
    return hit;
  }

  url(name: string, fallback: string): URL {
    const v = this.str(name) ?? fallback;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
      return u;
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${v}")`);
      return new URL(fallback);
    }
  }

  require(name: string, why: string): string | null {
    const v = this.str(name);
    if (v === undefined) {
      this.problems.push(`${name} is required ${why}`);
      return null;
    }
    return v;
  }
}

const DB_KINDS: Record<string, DbKind> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  pgsql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
};

const DEFAULT_DB_PORT: Record<'postgresql' | 'mysql', number> = { postgresql: 5432, mysql: 3306 };

function dbFromUrl(raw: string, r: Reader, cwd: string): DbConfig | null {
  if (/^(sqlite|file):/i.test(raw)) {
    const path = raw.replace(/^(sqlite|file):(\/\/)?/i, '');
    if (path === '') {
      r.problems.push('DATABASE_URL names no SQLite file (use sqlite:./data/scrutin.db)');
      return null;
    }
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    r.problems.push('DATABASE_URL is not a valid URL');
    return null;
  }
  const kind = DB_KINDS[u.protocol.replace(/:$/, '').toLowerCase()];
  if (kind === undefined || kind === 'sqlite') {
    r.problems.push(`DATABASE_URL scheme "${u.protocol}" is not supported (postgresql://, mysql://, mariadb:// or sqlite:)`);
    return null;
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (u.hostname === '' || database === '') {
    r.problems.push('DATABASE_URL must name a host and a database (postgresql://user:password@host:5432/name)');
    return null;
  }
  return {
    kind,
    host: u.hostname,
    port: u.port === '' ? DEFAULT_DB_PORT[kind] : Number(u.port),
    database,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

function readDb(r: Reader, cwd: string): DbConfig {
  const url = r.str('DATABASE_URL');
  if (url !== undefined) return dbFromUrl(url, r, cwd) ?? { kind: 'sqlite', path: resolve(cwd, 'data/scrutin.db') };
  const kind = r.oneOf('DB_CONNECTION', DB_KINDS, 'sqlite');
  if (kind === 'sqlite') {
    const path = r.str('DB_PATH') ?? 'data/scrutin.db';
    return { kind, path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  const why = `when DB_CONNECTION=${kind} (or set DATABASE_URL)`;
  const host = r.require('DB_HOST', why) ?? '';
  const database = r.require('DB_DATABASE', why) ?? '';
  const user = r.require('DB_USERNAME', why) ?? '';
  return {
    kind,
    host,
    port: r.int('DB_PORT', DEFAULT_DB_PORT[kind], 1, 65535),
    database,
    user,
    password: r.str('DB_PASSWORD') ?? '',
  };
}

function readTrustProxy(r: Reader, connect: 'http' | 'socket'): boolean | number | string {
  const v = r.str('TRUST_PROXY');
  // On a Unix socket the only peer is the local reverse proxy, and requests carry no
  // client address of their own: trust that one hop unless told otherwise, so rate
  // limits apply per visitor rather than to everyone at once.
  if (v === undefined) return connect === 'socket' ? 1 : false;
  if (/^(false|0|no|off)$/i.test(v)) return false;
  if (/^(true|yes|on)$/i.test(v)) return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

function readTimeouts(r: Reader): Config['timeouts'] {
  const headers = r.int('HTTP_HEADERS_TIMEOUT', 15, 1, 3600);
  const request = r.int('HTTP_REQUEST_TIMEOUT', 30, 1, 3600);
  const keepAlive = r.int('HTTP_KEEPALIVE_TIMEOUT', 72, 1, 3600);
  if (headers > request)
    r.problems.push(
      `HTTP_HEADERS_TIMEOUT (${headers}) must not be longer than HTTP_REQUEST_TIMEOUT (${request}): the headers are part of the request`,
    );
  return { headers, request, keepAlive };
}

/**
 * Reads the COMMUNITIES file: every problem (with file and line) joins the others, so
 * the operator sees them all at once. Each community's clone lives in its own folder
 * under META_PATH; a relative local meta_repo is read from the file's folder.
 */
function readCommunities(
  r: Reader,
  env: Env,
  cwd: string,
  base: Config['meta'],
  checkSecret: (name: string, value: string, risk: string | null) => void,
): CommunityConfig[] | null {
  const path = r.str('COMMUNITIES');
  if (path === undefined) return null;
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    r.problems.push(`COMMUNITIES names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return null;
  }
  const parsed = parseCommunitiesFile(text, file);
  const secrets = resolveCommunitySecrets(parsed.communities, env, file);
  for (const problem of [...parsed.problems, ...secrets.problems]) {
    if (problem.severity === 'error') r.problems.push(`COMMUNITIES ${formatProblem(problem)}`);
  }
  for (const name of ['META_REPO', 'META_SECRET', 'META_REPO_TOKEN']) {
    if (r.str(name) !== undefined)
      r.problems.push(`${name} is set as well as COMMUNITIES: each community's meta repository is in the file; unset ${name}`);
  }
  return parsed.communities.map((c) => {
    const found = secrets.secrets.get(c.key);
    // Judged as META_SECRET and META_REPO_TOKEN are: the example Secret's placeholders too.
    if (c.metaSecretEnv !== null && found?.secret != null)
      checkSecret(c.metaSecretEnv, found.secret, `anyone could sign ${c.key}'s webhook deliveries`);
    if (c.metaTokenEnv !== null && found?.token != null) checkSecret(c.metaTokenEnv, found.token, null);
    const local = !isRemoteRepo(c.metaRepo);
    return {
      key: c.key,
      name: c.name,
      hosts: c.hosts,
      isDefault: c.isDefault,
      logo: c.logo,
      colour: c.colour,
      contact: c.contact,
      meta: {
        ...base,
        repo: local ? resolve(dirname(file), c.metaRepo) : c.metaRepo,
        electionDir: c.electionDir,
        path: join(base.path, c.key),
        branch: c.metaBranch,
        secret: found?.secret ?? null,
        token: found?.token ?? null,
      },
    };
  });
}

export interface LoadOptions {
  /** `serve` needs GitHub and the meta repository in production; other commands do not. */
  purpose?: 'serve' | 'tool';
}

export function parseConfig(env: Env, cwd: string, options: LoadOptions = {}): Config {
  const r = new Reader(env);
  const warnings: string[] = [];
  const appEnv = r.oneOf<AppEnv>(
    'APP_ENV',
    { production: 'production', prod: 'production', development: 'development', dev: 'development', test: 'test' },
    'production',
  );
  const production = appEnv === 'production';

  const appKey = r.str('APP_KEY') ?? null;
  const appKeyWeakness = appKey === null ? null : weakSecret(appKey, MIN_APP_KEY_LENGTH);
  if (appKeyWeakness !== null) {
    if (production) r.problems.push(`APP_KEY ${appKeyWeakness}, so session cookies could be forged: ${KEY_ADVICE}`);
    else warnings.push(`APP_KEY ${appKeyWeakness}; acceptable only outside production`);
  }
  // The other secrets: a placeholder left from an example file (or a short token) stops
  // production as APP_KEY does, naming the variable and never echoing the value. `risk`:
  // a secret the operator chooses (judged by length and common words too), and what a
  // weak one would let anyone do; null: one issued elsewhere (only placeholders are caught).
  const checkSecret = (name: string, value: string | undefined, risk: string | null): void => {
    if (value === undefined) return;
    const weakness = risk === null ? weakSecret(value, 0, false) : weakSecret(value, MIN_TOKEN_LENGTH);
    if (weakness === null) return;
    if (risk === null) {
      if (production) r.problems.push(`${name} is still the example file's placeholder: set the real value`);
      else warnings.push(`${name} is still the example file's placeholder`);
    } else if (production)
      r.problems.push(
        `${name} ${weakness}, so ${risk}: set a random value of at least ${MIN_TOKEN_LENGTH} characters (\`npx scrutin key\` prints one)`,
      );
    else warnings.push(`${name} ${weakness}; acceptable only outside production`);
  };
  checkSecret('METRICS_TOKEN', r.str('METRICS_TOKEN'), 'anyone could read the metrics');
  checkSecret('META_SECRET', r.str('META_SECRET'), 'anyone could sign webhook deliveries');
  for (const name of ['GITHUB_CLIENT_SECRET', 'DB_PASSWORD', 'META_REPO_TOKEN']) checkSecret(name, r.str(name), null);

  const port = r.int('APP_PORT', 5000, 1, 65535);
  const host = r.str('APP_HOST') ?? '127.0.0.1';
  const connect = r.oneOf('APP_CONNECT', { http: 'http', socket: 'socket' }, 'http');
  const appUrlRaw = r.str('APP_URL');
  const appUrl = r.url('APP_URL', `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`);
  // Elekto's example APP_URL is `http://localhost` with the port elsewhere; keep a
  // URL without a path so links and the OAuth callback resolve against its origin.

  const githubClientId = r.str('GITHUB_CLIENT_ID') ?? null;
  const githubClientSecret = r.str('GITHUB_CLIENT_SECRET') ?? null;
  const redirect = r.str('GITHUB_REDIRECT') ?? '/oauth/github/callback';
  if (!redirect.startsWith('/')) r.problems.push(`GITHUB_REDIRECT must be a path starting with / (got "${redirect}")`);

  const metaRepo = r.str('META_REPO') ?? null;
  const metaSecret = r.str('META_SECRET') ?? null;
  const electionDir = (r.str('ELECTION_DIR') ?? 'elections').replace(/^\/+|\/+$/g, '');
  if (electionDir.split('/').includes('..')) r.problems.push('ELECTION_DIR must stay inside the repository (no "..")');

  if (options.purpose === 'serve' && production) {
    r.require('GITHUB_CLIENT_ID', 'in production: voters sign in with GitHub');
    r.require('GITHUB_CLIENT_SECRET', 'in production: voters sign in with GitHub');
    if (r.str('COMMUNITIES') === undefined) r.require('META_REPO', 'in production: elections come from the meta repository');
    if (appUrlRaw === undefined)
      r.problems.push('APP_URL is required in production: it is the public address used for the OAuth callback and secure cookies');
  }
  const meta: Config['meta'] = {
    repo: metaRepo,
    electionDir,
    deployment: r.str('META_DEPLOYMENT') ?? 'local',
    path: resolve(cwd, r.str('META_PATH') ?? 'meta'),
    branch: r.str('META_BRANCH') ?? 'main',
    secret: metaSecret,
    token: r.str('META_REPO_TOKEN') ?? null,
    followInterval: r.int('META_FOLLOW_INTERVAL', 5, 1, 3600),
  };
  const communities = readCommunities(r, env, cwd, meta, checkSecret);
  for (const c of options.purpose === 'serve' ? (communities ?? []) : []) {
    if (c.meta.secret === null)
      warnings.push(`${c.key} has no meta_secret_env: its webhook /c/${c.key}/v1/webhooks/meta/sync will answer 503 until it has one`);
  }
  if (options.purpose === 'serve' && metaRepo !== null && metaSecret === null) {
    warnings.push('META_SECRET is not set: the webhook /v1/webhooks/meta/sync will answer 503 until it is');
  }
  if ((githubClientId === null) !== (githubClientSecret === null)) {
    r.problems.push('GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together');
  }

  const metricsPortRaw = r.str('METRICS_PORT');
  // Metrics carry turnout per election: whenever they are served, a token guards them.
  if (metricsPortRaw !== undefined && r.str('METRICS_TOKEN') === undefined) {
    r.problems.push(
      `METRICS_PORT is set but METRICS_TOKEN is not: the metrics port would be open to anyone who can reach it. Set METRICS_TOKEN to a random value of at least ${MIN_TOKEN_LENGTH} characters (\`npx scrutin key\` prints one), or unset METRICS_PORT`,
    );
  }
  const config: Config = {
    appName: r.str('APP_NAME') ?? 'Scrutin',
    appEnv,
    appKey,
    debug: r.bool('APP_DEBUG', false),
    appUrl,
    port,
    host,
    connect,
    socketPath: resolve(cwd, r.str('APP_SOCKET') ?? 'scrutin.sock'),
    minPasscodeLength: r.int('MIN_PASSCODE_LENGTH', 6, 1, 1024),
    db: readDb(r, cwd),
    meta,
    communities,
    github: {
      clientId: githubClientId,
      clientSecret: githubClientSecret,
      redirect,
      url: r.url('GITHUB_URL', 'https://github.com'),
      apiUrl: r.url('GITHUB_API_URL', 'https://api.github.com'),
    },
    metrics: {
      token: r.str('METRICS_TOKEN') ?? null,
      port: metricsPortRaw === undefined ? null : r.int('METRICS_PORT', 0, 1, 65535),
    },
    kdfConcurrency: r.str('KDF_CONCURRENCY') === undefined ? null : r.int('KDF_CONCURRENCY', 1, 1, 64),
    workers: r.int('WORKERS', availableParallelism(), 1, 256),
    // The queue and the database budget together stay well inside the 60 s a reverse
    // proxy is documented to wait (deploy/nginx, docs/operations.md): 25 + 20 s plus a
    // derivation of a few seconds.
    kdfQueue: {
      maxWaitMs: r.seconds('KDF_QUEUE_TIMEOUT', 18, 1, 3600),
      maxLength: r.str('KDF_QUEUE_LIMIT') === undefined ? null : r.int('KDF_QUEUE_LIMIT', 0, 0, 100_000),
    },
    // Under ~20 s, so no vote request waits long on the derivation queue (issue 15).
    castWaitMs: r.seconds('CAST_WAIT_TIMEOUT', 15, 1, 60),
    dbLimits: {
      acquireMs: r.seconds('DB_ACQUIRE_TIMEOUT', 5, 0, 3600),
      statementMs: r.seconds('DB_STATEMENT_TIMEOUT', 10, 0, 3600),
      lockMs: r.seconds('DB_LOCK_TIMEOUT', 5, 0, 3600),
      requestMs: r.seconds('DB_REQUEST_TIMEOUT', 20, 0, 3600),
    },
    metaMaxAgeMs: r.seconds('META_MAX_AGE', 900, 0, 30 * 86_400),
    logLevel: r.oneOf(
      'LOG_LEVEL',
      { fatal: 'fatal', error: 'error', warn: 'warn', info: 'info', debug: 'debug', trace: 'trace', silent: 'silent' },
      'info',
    ),
    rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 600, 0, 10_000_000),
    trustProxy: readTrustProxy(r, connect),
    timeouts: readTimeouts(r),
    devLogin: appEnv === 'development' && githubClientId === null,
    warnings,
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Environment + `.env` → validated configuration (throws ConfigError). */
export function loadConfig(processEnv: Env, cwd: string, options: LoadOptions = {}): Config {
  return parseConfig(readEnvironment(processEnv, cwd), cwd, options);
}
