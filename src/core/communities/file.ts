// The COMMUNITIES file (SPEC §10): one Scrutin serving several communities, each with
// its own meta repository. Read as the meta repository is, with a file and a line for
// every problem, but strictly: this file is the operator's own, so anything doubtful
// stops startup instead of being guessed at. Secrets never appear in it, only the
// names of the environment variables that hold them (resolveCommunities).
import { deref, isMap, isNullNode, isScalar, isSeq, mapEntries, parseYaml, scalarText, type Node, type YamlFile } from '../meta/yaml.js';
import type { Problem } from '../meta/types.js';

/** A community as the file declares it (before its secrets are looked up). */
export interface CommunityDecl {
  /** URL segment: /c/<key>/… */
  key: string;
  name: string;
  metaRepo: string;
  metaBranch: string;
  electionDir: string;
  /** Name of the environment variable holding the webhook secret; null: no webhook. */
  metaSecretEnv: string | null;
  /** Name of the environment variable holding a token for a private https repository. */
  metaTokenEnv: string | null;
  /** Host names served with Elekto's plain URLs, lower case. */
  hosts: string[];
  /** Also served at the plain URLs on every other host. */
  isDefault: boolean;
  logo: string | null;
  colour: string | null;
  contact: string | null;
  /** Line of the entry in the file, for later problems (a missing variable). */
  line: number | undefined;
}

export interface CommunitiesFile {
  communities: CommunityDecl[];
  problems: Problem[];
}

/**
 * A community key: lower-case letters, digits and hyphens, starting with a letter or
 * digit; at most 48 characters, so that the names stored per community (settings of 64
 * characters, `meta_revision:<key>`) always fit.
 */
export const COMMUNITY_KEY = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** Environment variable names as operators write them: upper case, digits, underscores. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
/** A host name (no scheme, no path), optionally with a port. */
const HOST_NAME =
  /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;
const COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

const KNOWN_KEYS = [
  'key',
  'name',
  'meta_repo',
  'meta_branch',
  'election_dir',
  'meta_secret_env',
  'meta_token_env',
  'hosts',
  'default',
  'logo',
  'colour',
  'color',
  'contact',
] as const;

/** Keys that would hold a secret itself: refused with the key to use instead. */
const SECRET_KEYS: Record<string, string> = {
  meta_secret: 'meta_secret_env',
  secret: 'meta_secret_env',
  webhook_secret: 'meta_secret_env',
  meta_token: 'meta_token_env',
  token: 'meta_token_env',
  meta_repo_token: 'meta_token_env',
};

/** Values shaped like a credential GitHub issues (never a variable name). */
const CREDENTIAL = /^(?:gh[pousr]_|github_pat_)/;

/** Edit distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] ?? 0;
      row[j] = Math.min(here + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] ?? 0;
}

function suggestion(key: string): string {
  const near = KNOWN_KEYS.map((k) => [k, distance(key, k)] as const).filter(([, d]) => d <= 2);
  near.sort((x, y) => x[1] - y[1]);
  const best = near[0];
  return best === undefined ? '' : ` (did you mean "${best[0]}"?)`;
}

class EntryReader {
  constructor(
    private readonly yaml: YamlFile,
    private readonly problems: Problem[],
  ) {}

  error(node: unknown, message: string): void {
    this.problems.push({ file: this.yaml.file, line: this.yaml.lineOf(node), message, severity: 'error' });
  }

  warn(node: unknown, message: string): void {
    this.problems.push({ file: this.yaml.file, line: this.yaml.lineOf(node), message, severity: 'warning' });
  }

  /** Plain text of a scalar, or null (with an error when present but not text). */
  text(node: Node | null | undefined, what: string, at: unknown): string | null {
    if (node === undefined || isNullNode(node ?? null)) return null;
    if (node === null || !isScalar(node) || typeof node.value === 'object') {
      this.error(node ?? at, `${what} must be text`);
      return null;
    }
    const value = scalarText(node).trim();
    return value === '' ? null : value;
  }
}

/**
 * Parses the communities file. Never throws: problems carry the file and line. A
 * community with an error is left out of `communities` (the caller stops on errors).
 */
export function parseCommunitiesFile(text: string, file: string): CommunitiesFile {
  const yaml = parseYaml(text, file);
  const problems: Problem[] = [...yaml.problems];
  const communities: CommunityDecl[] = [];
  const r = new EntryReader(yaml, problems);
  if (yaml.root === null || !isMap(yaml.root)) {
    if (!yaml.failed) r.error(yaml.root, 'the file must be a mapping with a "communities:" list');
    return { communities, problems };
  }
  const top = mapEntries(yaml, yaml.root, problems);
  for (const [name, entry] of top) {
    if (name !== 'communities') r.warn(entry.keyNode, `unknown key "${name}" is ignored (the file holds one list, "communities:")`);
  }
  const list = top.get('communities')?.value ?? null;
  if (list === null || !isSeq(list) || list.items.length === 0) {
    r.error(list ?? yaml.root, '"communities:" must be a list with at least one community');
    return { communities, problems };
  }

  const seenKeys = new Map<string, number | undefined>();
  const seenHosts = new Map<string, string>();
  const seenRepos = new Map<string, string>();
  let defaultKey: string | null = null;
  for (const item of list.items) {
    const node = deref(yaml, item);
    if (node === null || !isMap(node)) {
      r.error(item, 'each community must be a mapping (key, name, meta_repo, …)');
      continue;
    }
    const before = problems.filter((p) => p.severity === 'error').length;
    const entries = mapEntries(yaml, node, problems);
    for (const [k, entry] of entries) {
      const instead = SECRET_KEYS[k];
      if (instead !== undefined) {
        r.error(
          entry.keyNode,
          `"${k}": secrets are never written in this file; put it in an environment variable and name it with "${instead}"`,
        );
      } else if (!(KNOWN_KEYS as readonly string[]).includes(k)) {
        r.warn(entry.keyNode, `unknown key "${k}" is ignored${suggestion(k)}`);
      }
    }
    const get = (k: string) => entries.get(k)?.value;

    const key = r.text(get('key'), '"key"', node);
    if (key === null) r.error(node, 'a community needs a "key" (its URL segment: /c/<key>/)');
    else if (!COMMUNITY_KEY.test(key))
      r.error(get('key'), `"key" must be lower-case letters, digits and hyphens, starting with a letter or digit (got "${key}")`);
    else if (seenKeys.has(key)) r.error(get('key'), `the key "${key}" is used twice (first on line ${seenKeys.get(key) ?? '?'})`);
    else seenKeys.set(key, yaml.lineOf(get('key')));
    const label = key ?? 'this community';

    const name = r.text(get('name'), '"name"', node);
    if (name === null) r.error(get('name') ?? node, `${label}: "name" (shown on its pages) is required`);

    const metaRepo = r.text(get('meta_repo'), '"meta_repo"', node);
    if (metaRepo === null) r.error(get('meta_repo') ?? node, `${label}: "meta_repo" (an https or ssh URL, or a local path) is required`);
    else if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(metaRepo))
      r.error(
        get('meta_repo'),
        `${label}: "meta_repo" holds a password or token; name an environment variable with "meta_token_env" instead`,
      );
    else if (seenRepos.has(metaRepo)) r.warn(get('meta_repo'), `${label}: the same meta_repo as ${seenRepos.get(metaRepo) ?? '?'}`);
    if (metaRepo !== null && key !== null) seenRepos.set(metaRepo, key);

    const metaBranch = r.text(get('meta_branch'), '"meta_branch"', node) ?? 'main';
    const electionDir = (r.text(get('election_dir'), '"election_dir"', node) ?? 'elections').replace(/^\/+|\/+$/g, '');
    if (electionDir.split('/').includes('..'))
      r.error(get('election_dir'), `${label}: "election_dir" must stay inside the repository (no "..")`);

    const envName = (k: 'meta_secret_env' | 'meta_token_env'): string | null => {
      const value = r.text(get(k), `"${k}"`, node);
      if (value === null) return null;
      if (ENV_NAME.test(value) && !CREDENTIAL.test(value.toLowerCase())) return value;
      // Never echo the value: it may be the secret itself.
      r.error(
        get(k),
        `${label}: "${k}" must be the NAME of an environment variable (capital letters, digits and _, such as K8S_META_SECRET), never the secret itself; this value does not look like one`,
      );
      return null;
    };
    const metaSecretEnv = envName('meta_secret_env');
    const metaTokenEnv = envName('meta_token_env');

    const hosts: string[] = [];
    const hostsNode = get('hosts');
    if (hostsNode !== undefined && !isNullNode(hostsNode)) {
      const items = hostsNode !== null && isSeq(hostsNode) ? hostsNode.items : [hostsNode];
      for (const h of items) {
        const host = r.text(deref(yaml, h), '"hosts" entries', h)?.toLowerCase() ?? null;
        if (host === null) continue;
        if (!HOST_NAME.test(host)) r.error(h, `${label}: "${host}" is not a host name (write elections.example.org, no scheme or path)`);
        else if (seenHosts.has(host)) r.error(h, `${label}: the host "${host}" is already given to ${seenHosts.get(host) ?? '?'}`);
        else {
          seenHosts.set(host, label);
          hosts.push(host);
        }
      }
    }

    let isDefault = false;
    const defaultNode = get('default');
    if (defaultNode !== undefined && !isNullNode(defaultNode)) {
      if (defaultNode === null || !isScalar(defaultNode) || typeof defaultNode.value !== 'boolean')
        r.error(defaultNode, `${label}: "default" must be true or false`);
      else if (defaultNode.value) {
        if (defaultKey !== null) r.error(defaultNode, `${label}: only one community can be the default (${defaultKey} already is)`);
        else {
          isDefault = true;
          defaultKey = label;
        }
      }
    }

    const logo = r.text(get('logo'), '"logo"', node);
    if (logo !== null && !/^(https:\/\/|\/)/.test(logo))
      r.error(get('logo'), `${label}: "logo" must be an https:// URL or a path starting with /`);
    if (entries.has('colour') && entries.has('color')) r.warn(get('color'), `${label}: both "colour" and "color"; "colour" is used`);
    const colour = r.text(get('colour') ?? get('color'), '"colour"', node);
    if (colour !== null && !COLOUR.test(colour))
      r.error(get('colour') ?? get('color'), `${label}: "colour" must be a hex colour such as "#326ce5" (in quotes: # starts a comment)`);
    const contact = r.text(get('contact'), '"contact"', node);

    const failed = problems.filter((p) => p.severity === 'error').length > before;
    if (failed || key === null || name === null || metaRepo === null) continue;
    communities.push({
      key,
      name,
      metaRepo,
      metaBranch,
      electionDir,
      metaSecretEnv,
      metaTokenEnv,
      hosts,
      isDefault,
      logo,
      colour,
      contact,
      line: yaml.lineOf(node),
    });
  }
  return { communities, problems };
}

/** Whether `meta_repo` is a URL (scheme or scp-like ssh) rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^/:]+:/i.test(repo);
}

/** A community with its secrets looked up. */
export interface CommunitySecrets {
  secret: string | null;
  token: string | null;
}

/**
 * Looks up each community's secrets in `env` (given, not read: the core reads no
 * environment). A named variable that is unset or blank is an error naming the
 * variable and the community, never a silent "no webhook".
 */
export function resolveCommunitySecrets(
  decls: readonly CommunityDecl[],
  env: Readonly<Record<string, string | undefined>>,
  file: string,
): { secrets: Map<string, CommunitySecrets>; problems: Problem[] } {
  const secrets = new Map<string, CommunitySecrets>();
  const problems: Problem[] = [];
  const lookup = (decl: CommunityDecl, name: string | null, what: string): string | null => {
    if (name === null) return null;
    const value = env[name]?.trim() ?? '';
    if (value === '') {
      problems.push({
        file,
        ...(decl.line !== undefined ? { line: decl.line } : {}),
        message: `${decl.key}: the environment variable ${name} (${what}) is not set`,
        severity: 'error',
      });
      return null;
    }
    return value;
  };
  for (const decl of decls) {
    secrets.set(decl.key, {
      secret: lookup(decl, decl.metaSecretEnv, 'meta_secret_env, its webhook secret'),
      token: lookup(decl, decl.metaTokenEnv, 'meta_token_env, its repository token'),
    });
  }
  return { secrets, problems };
}

/** "file:line: message", the way `scrutin validate` prints meta problems. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''}: ${problem.message}`;
}
