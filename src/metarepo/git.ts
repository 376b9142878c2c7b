// Keeps META_PATH a checkout of META_REPO at `origin/<branch>`, with the system git.
//
// - Every call is `execFile` with an argument array (never a shell) and a timeout.
// - Clone when META_PATH is missing or empty; otherwise fetch and hard-reset to the
//   remote branch, so force-pushes are followed.
// - META_REPO may be an https URL, an ssh URL (git@host:org/repo.git) or a local path.
// - A token for private https repositories (META_REPO_TOKEN) travels to git through
//   the environment (GIT_CONFIG_COUNT/KEY/VALUE, an `http.<origin>/.extraHeader`), so
//   it never appears in argv, in .git/config or in a message.
// - Sparse checkout limits the working tree to ELECTION_DIR when git supports it.
// - The clone is a cache: one git cannot read (corrupted objects, a broken HEAD or
//   index) is moved aside to META_PATH.broken and cloned again, at start-up and at
//   any later sync. A folder that is not a clone at all is never touched.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface GitSyncOptions {
  /** META_REPO: https URL, ssh URL or local path. */
  repo: string;
  /** META_PATH: where the checkout lives. */
  path: string;
  /** META_BRANCH. */
  branch: string;
  /** ELECTION_DIR: the only folder checked out when sparse checkout is available ('' = everything). */
  electionDir: string;
  /** META_REPO_TOKEN, for private https repositories. */
  token?: string | null;
  /** Time limit for clone and fetch, in ms (default 120 s). Local commands get a quarter. */
  timeoutMs?: number;
  /** The git executable (default `git` on PATH). */
  gitBinary?: string;
  /** Base environment for git (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface GitSyncResult {
  /** HEAD after the update (40 hex digits). */
  revision: string;
  /** HEAD before the update, or null after a fresh clone. */
  previousRevision: string | null;
  cloned: boolean;
  /** Whether the working tree is limited to ELECTION_DIR. */
  sparse: boolean;
  /** Things worth a log line (a token that could not be used, say). */
  notes: string[];
}

export type GitErrorKind = 'timeout' | 'not-found' | 'auth' | 'branch' | 'config' | 'failed';

/** A git failure with a clear, redacted message. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly kind: GitErrorKind,
    /** git's own output (redacted), for logs. */
    readonly detail: string = '',
    /** The git command that failed (`fetch`, `checkout`…), when one did. */
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Whether META_REPO names a remote (URL or scp-like ssh) rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  // git's own rule: a URL, or a colon before the first slash (`git@host:org/repo`,
  // `host:repo`). Anything else is a local path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return true;
  const colon = repo.indexOf(':');
  const slash = repo.search(/[/\\]/);
  return colon > 0 && (slash === -1 || colon < slash) && !/^[a-z]:[/\\]/i.test(repo);
}

/** Removes credentials from anything that will be shown: the token itself and `user:pass@` in URLs. */
export function redact(text: string, token?: string | null): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1[redacted]@');
  if (token !== undefined && token !== null && token !== '') {
    out = out.split(token).join('[redacted]');
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    out = out.split(basic).join('[redacted]');
  }
  return out;
}

interface Run {
  (args: string[], opts?: { cwd?: string; timeoutMs?: number }): Promise<string>;
}

function gitEnvironment(options: GitSyncOptions, notes: string[]): NodeJS.ProcessEnv {
  const base = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...base,
    // Never wait for a password or a host-key question: fail with a message instead.
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    // No `ext::` or other command-running transports, whatever META_REPO says.
    GIT_ALLOW_PROTOCOL: 'https:http:ssh:git:file',
    LC_ALL: 'C',
    LANG: 'C',
  };
  if (base.GIT_SSH_COMMAND === undefined && base.GIT_SSH === undefined) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  const token = options.token ?? null;
  if (token !== null && token !== '') {
    let origin: string | null = null;
    try {
      const url = new URL(options.repo);
      if (url.protocol === 'https:' || url.protocol === 'http:') origin = `${url.protocol}//${url.host}/`;
    } catch {
      origin = null;
    }
    if (origin === null) {
      notes.push('META_REPO_TOKEN is set but META_REPO is not an https URL; the token is not used');
    } else {
      // Scoped to the repository's host, so the token is never sent anywhere else.
      const count = Number(base.GIT_CONFIG_COUNT ?? '0') || 0;
      const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
      env[`GIT_CONFIG_KEY_${count}`] = `http.${origin}.extraHeader`;
      env[`GIT_CONFIG_VALUE_${count}`] = `Authorization: Basic ${basic}`;
      env.GIT_CONFIG_COUNT = String(count + 1);
    }
  }
  return env;
}

function classify(stderr: string): GitErrorKind {
  if (
    /authentication failed|could not read username|permission denied|403|401|terminal prompts disabled|invalid username or password/i.test(
      stderr,
    )
  )
    return 'auth';
  if (/couldn't find remote ref|remote branch .* not found|invalid reference|unknown revision/i.test(stderr)) return 'branch';
  if (
    /does not appear to be a git repository|repository .* not found|not found|no such file or directory|could not resolve host|unable to access/i.test(
      stderr,
    )
  )
    return 'not-found';
  return 'failed';
}

function runner(options: GitSyncOptions, env: NodeJS.ProcessEnv): Run {
  const git = options.gitBinary ?? 'git';
  const longTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return (args, opts = {}) =>
    new Promise((resolvePromise, reject) => {
      const timeout = opts.timeoutMs ?? longTimeout;
      execFile(
        git,
        args,
        { cwd: opts.cwd, env, timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error === null) {
            resolvePromise(stdout);
            return;
          }
          const detail = redact(stderr.trim(), options.token);
          const what = `git ${args[0] ?? ''}`;
          if ((error as { killed?: boolean }).killed === true || (error as { signal?: string | null }).signal === 'SIGKILL') {
            reject(new GitError(`${what} did not finish within ${Math.round(timeout / 1000)} s`, 'timeout', detail, args[0] ?? null));
            return;
          }
          if ((error as { code?: unknown }).code === 'ENOENT') {
            const why =
              opts.cwd !== undefined && !existsSync(opts.cwd)
                ? `the folder ${opts.cwd} does not exist`
                : `cannot run git ("${git}"): is git installed?`;
            reject(new GitError(`${what}: ${why}`, 'config'));
            return;
          }
          const firstLine = detail.split('\n').find((l) => /^(fatal|error):/.test(l)) ?? detail.split('\n')[0] ?? '';
          reject(
            new GitError(
              `${what} failed: ${firstLine.replace(/^(fatal|error):\s*/, '') || 'unknown error'}`,
              classify(detail),
              detail,
              args[0] ?? null,
            ),
          );
        },
      );
    });
}

/** git's version as [major, minor], or null when it cannot be read. */
export async function gitVersion(options: Pick<GitSyncOptions, 'gitBinary' | 'env'> = {}): Promise<[number, number] | null> {
  const run = runner({ repo: '', path: '', branch: '', electionDir: '', ...options }, options.env ?? process.env);
  try {
    const m = /git version (\d+)\.(\d+)/.exec(await run(['--version'], { timeoutMs: 10_000 }));
    return m === null ? null : [Number(m[1]), Number(m[2])];
  } catch {
    return null;
  }
}

function atLeast(version: [number, number] | null, major: number, minor: number): boolean {
  return version !== null && (version[0] > major || (version[0] === major && version[1] >= minor));
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function isEmptyDir(path: string): boolean {
  return readdirSync(path).length === 0;
}

function checkBranchName(branch: string): void {
  // Refuse anything that could be read as an option or a refspec trick.
  if (branch === '' || branch.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(branch)) {
    throw new GitError(`META_BRANCH "${branch}" is not a valid branch name`, 'config');
  }
}

async function configureSparse(
  run: Run,
  cwd: string,
  electionDir: string,
  version: [number, number] | null,
  localTimeout: number,
): Promise<boolean> {
  const dir = electionDir.replace(/^\/+|\/+$/g, '');
  if (dir === '' || dir === '.') return false;
  if (atLeast(version, 2, 35)) {
    await run(['sparse-checkout', 'set', '--cone', '--', dir], { cwd, timeoutMs: localTimeout });
    return true;
  }
  if (atLeast(version, 2, 27)) {
    await run(['sparse-checkout', 'init', '--cone'], { cwd, timeoutMs: localTimeout });
    await run(['sparse-checkout', 'set', dir], { cwd, timeoutMs: localTimeout });
    return true;
  }
  return false;
}

async function sparseState(run: Run, cwd: string, localTimeout: number): Promise<string[] | null> {
  try {
    const enabled = (await run(['config', '--bool', 'core.sparseCheckout'], { cwd, timeoutMs: localTimeout })).trim();
    if (enabled !== 'true') return null;
    return (await run(['sparse-checkout', 'list'], { cwd, timeoutMs: localTimeout }))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  } catch {
    return null; // `git config` exits 1 when the key is unset
  }
}

/** Network and remote problems: the clone itself may be fine, so it is kept. */
const REMOTE_COMMANDS = new Set(['clone', 'fetch', 'ls-remote']);
/** What git says about a repository it cannot read. */
const CORRUPTION =
  /corrupt|bad object|invalid object|unable to read|does not point to a valid object|not a git repository|bad index|index file|broken|missing (blob|tree|commit)|object file .* is empty|loose object|packfile|invalid sha1|bad signature|unknown index entry|failed to read object|could not parse/i;
/** Problems no fresh clone would fix. */
const ENVIRONMENT = /no space left|disk quota|read-only file system|permission denied|too many open files|cannot allocate memory/i;

/** Whether `error` says the local clone cannot be read, so that cloning again is the cure. */
export function isUnreadableClone(error: unknown): boolean {
  if (!(error instanceof GitError) || error.kind === 'timeout' || error.kind === 'config') return false;
  const text = `${error.message}\n${error.detail}`;
  if (ENVIRONMENT.test(text)) return false;
  if (error.command !== null && REMOTE_COMMANDS.has(error.command)) return CORRUPTION.test(text);
  return true;
}

function hasGitEntry(path: string): boolean {
  return existsSync(join(path, '.git'));
}

/** Moves an unreadable clone to `<path>.broken` (replacing an older one there) and says so. */
function moveAside(path: string, why: string, notes: string[]): void {
  const aside = `${path}.broken`;
  try {
    rmSync(aside, { recursive: true, force: true });
    renameSync(path, aside);
  } catch (error) {
    throw new GitError(
      `the clone in META_PATH ${path} cannot be read by git (${why}) and could not be moved aside (${(error as Error).message}); remove it and Scrutin will clone again`,
      'config',
    );
  }
  notes.push(`the clone in META_PATH could not be read by git (${why}); it was moved to ${aside} and cloned again`);
}

/**
 * Brings META_PATH up to date with `origin/<branch>` (cloning it first if needed) and
 * returns the new HEAD. Throws GitError with a redacted message on failure.
 */
export async function syncCheckout(options: GitSyncOptions): Promise<GitSyncResult> {
  checkBranchName(options.branch);
  if (options.repo.trim() === '') throw new GitError('META_REPO is empty', 'config');
  const notes: string[] = [];
  const env = gitEnvironment(options, notes);
  const run = runner(options, env);
  const localTimeout = Math.max(5_000, Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 4));
  const path = resolve(options.path);
  const repo = isRemoteRepo(options.repo) ? options.repo : resolve(options.repo);
  const version = await gitVersion({ gitBinary: options.gitBinary, env });
  const git: Git = { run, path, repo, version, localTimeout, remoteRef: `refs/remotes/origin/${options.branch}`, options };

  let isRepo = false;
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new GitError(`META_PATH ${path} exists and is not a folder`, 'config');
    try {
      const top = (await run(['rev-parse', '--show-toplevel'], { cwd: path, timeoutMs: localTimeout })).trim();
      isRepo = samePath(top, path);
    } catch {
      isRepo = false;
    }
    if (!isRepo && !isEmptyDir(path)) {
      // A .git that git does not recognise is a broken clone; anything else is not ours.
      if (!hasGitEntry(path))
        throw new GitError(`META_PATH ${path} is not empty and is not a git checkout; move it away or point META_PATH elsewhere`, 'config');
      moveAside(path, 'its .git is not a repository', notes);
    }
  }

  if (isRepo) {
    try {
      return { ...(await updateClone(git)), notes };
    } catch (error) {
      if (!isUnreadableClone(error)) throw error;
      moveAside(path, (error as GitError).message, notes);
    }
  }
  await run(['clone', '--quiet', '--no-checkout', '--origin', 'origin', '--branch', options.branch, '--single-branch', '--', repo, path]);
  const sparse = await configureSparse(run, path, options.electionDir, version, localTimeout);
  const revision = await checkoutBranch(git);
  return { revision, previousRevision: null, cloned: true, sparse, notes };
}

interface Git {
  run: Run;
  path: string;
  repo: string;
  version: [number, number] | null;
  localTimeout: number;
  remoteRef: string;
  options: GitSyncOptions;
}

/** Fetches into an existing clone and checks the branch out. */
async function updateClone(git: Git): Promise<Omit<GitSyncResult, 'notes'>> {
  const { run, path, repo, localTimeout, options } = git;
  let previousRevision: string | null;
  try {
    previousRevision = (await run(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: path, timeoutMs: localTimeout })).trim() || null;
  } catch {
    previousRevision = null;
  }
  // Follow a changed META_REPO (the stored URL never holds the token).
  const current = (await run(['remote', 'get-url', 'origin'], { cwd: path, timeoutMs: localTimeout }).catch(() => '')).trim();
  if (current === '') await run(['remote', 'add', 'origin', repo], { cwd: path, timeoutMs: localTimeout });
  else if (current !== repo) await run(['remote', 'set-url', 'origin', repo], { cwd: path, timeoutMs: localTimeout });
  await run(['fetch', '--quiet', '--prune', '--no-tags', 'origin', `+refs/heads/${options.branch}:${git.remoteRef}`], { cwd: path });
  let sparse = false;
  const patterns = await sparseState(run, path, localTimeout);
  if (patterns !== null) {
    const dir = options.electionDir.replace(/^\/+|\/+$/g, '');
    // Re-limit when ELECTION_DIR changed; a full clone made by Elekto is left whole.
    if (!patterns.includes(dir) && !patterns.includes(`/${dir}/`))
      sparse = await configureSparse(run, path, options.electionDir, git.version, localTimeout);
    else sparse = true;
  }
  const revision = await checkoutBranch(git);
  return { revision, previousRevision, cloned: false, sparse };
}

/** Puts the working tree exactly at the fetched branch and returns HEAD. */
async function checkoutBranch(git: Git): Promise<string> {
  const { run, path, localTimeout, options } = git;
  // -B moves (or creates) the local branch onto the fetched commit, whatever happened
  // upstream (force-push included); --force discards local edits in the checkout.
  await run(['checkout', '--quiet', '--force', '-B', options.branch, git.remoteRef], { cwd: path, timeoutMs: localTimeout });
  await run(['clean', '-ffdq'], { cwd: path, timeoutMs: localTimeout });
  const revision = (await run(['rev-parse', 'HEAD'], { cwd: path, timeoutMs: localTimeout })).trim();
  if (!SHA.test(revision)) throw new GitError(`unexpected revision from git rev-parse: "${revision.slice(0, 80)}"`, 'failed');
  return revision;
}

/** HEAD of a folder that is a git checkout, or null (a plain folder used as META_PATH). */
export async function headRevision(path: string, options: Pick<GitSyncOptions, 'gitBinary' | 'env'> = {}): Promise<string | null> {
  const run = runner({ repo: '', path, branch: '', electionDir: '', ...options }, { ...(options.env ?? process.env), LC_ALL: 'C' });
  try {
    // A plain folder inside some other checkout has no revision of its own.
    const top = (await run(['rev-parse', '--show-toplevel'], { cwd: path, timeoutMs: 10_000 })).trim();
    if (!samePath(top, path)) return null;
    const out = (await run(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: path, timeoutMs: 10_000 })).trim();
    return SHA.test(out) ? out : null;
  } catch {
    return null;
  }
}
