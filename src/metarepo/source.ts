// Wires git and the loader into the catalogue's SyncSource, from the meta settings of
// the configuration (META_REPO, META_PATH, META_BRANCH, ELECTION_DIR, META_REPO_TOKEN).
import type { MetaSnapshot } from '../core/meta/types.js';
import { Catalogue } from './catalogue.js';
import type { CatalogueLogger, SyncSource } from './catalogue.js';
import { headRevision, redact, syncCheckout } from './git.js';
import { loadSnapshot } from './load.js';

export interface MetaSourceOptions {
  /** META_REPO; null: use META_PATH as it is (a folder or a checkout managed elsewhere). */
  repo: string | null;
  /** META_PATH. */
  path: string;
  /** META_BRANCH. */
  branch: string;
  /** ELECTION_DIR. */
  electionDir: string;
  /** META_REPO_TOKEN. */
  token?: string | null;
  /** Time limit for each clone/fetch (ms). */
  timeoutMs?: number;
  gitBinary?: string;
  /** Clock for `loadedAt`. */
  now?: () => Date;
  /** Receives notes from git (a token that cannot be used, say). */
  log?: CatalogueLogger;
  /** Wraps each update of the checkout (a cluster's primary: no worker reads it meanwhile). */
  exclusive?: <T>(update: () => Promise<T>) => Promise<T>;
}

export function createMetaSource(options: MetaSourceOptions): SyncSource {
  const exclusive = options.exclusive;
  const update = async (): Promise<string | null> => {
    if (options.repo === null) return headRevision(options.path, { gitBinary: options.gitBinary });
    const result = await syncCheckout({
      repo: options.repo,
      path: options.path,
      branch: options.branch,
      electionDir: options.electionDir,
      token: options.token ?? null,
      timeoutMs: options.timeoutMs,
      gitBinary: options.gitBinary,
    });
    for (const note of result.notes) options.log?.warn({ note }, 'meta repository');
    return result.revision;
  };
  return {
    update: exclusive === undefined ? update : () => exclusive(update),
    // One parsing lane per checkout (with COMMUNITIES, per community: META_PATH/<key>), so a
    // hostile push in one community never queues another's loads behind it (load.ts).
    load: (revision) =>
      loadSnapshot({ root: options.path, electionDir: options.electionDir, revision, now: options.now, lane: options.path }),
  };
}

/** An error message safe to store and log (the token and URL credentials removed). */
export function describeSyncError(error: unknown, token?: string | null): string {
  return redact(error instanceof Error ? error.message : String(error), token);
}

export interface CreateCatalogueOptions extends MetaSourceOptions {
  initial: MetaSnapshot;
  clock?: () => Date;
}

/** A catalogue fed by git and the loader, as the server and `scrutin sync` use it. */
export function createCatalogue(options: CreateCatalogueOptions): Catalogue {
  return new Catalogue({
    source: createMetaSource(options),
    initial: options.initial,
    clock: options.clock,
    log: options.log,
    describeError: (error) => describeSyncError(error, options.token),
  });
}
