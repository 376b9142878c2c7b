// Helpers shared by commands: configuration errors become one clear UserError.
import { ConfigError, loadConfig, type Config, type LoadOptions } from '../config.js';
import { Store } from '../storage/store.js';
import type { CommandIO } from './types.js';
import { UserError } from './types.js';

export function configFor(io: CommandIO, options: LoadOptions = {}): Config {
  try {
    return loadConfig(io.env, io.cwd, options);
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
}

export function describeDb(config: Config): string {
  const db = config.db;
  return db.kind === 'sqlite' ? `SQLite database ${db.path}` : `${db.kind} database ${db.database} on ${db.host}:${db.port}`;
}

/**
 * The configuration and store view of one community: with COMMUNITIES, the one
 * `--community KEY` names (required: two communities may hold the same election key),
 * its clone under META_PATH/<key>; without, the single community as it always was.
 */
export function communityScope(config: Config, key: string | undefined): { config: Config; scope: (store: Store) => Store } {
  if (config.communities === null) {
    if (key !== undefined) throw new UserError('--community needs COMMUNITIES to be set', 2);
    return { config, scope: (store) => store };
  }
  if (key === undefined)
    throw new UserError('COMMUNITIES is set: name the community with --community KEY (see `scrutin communities list`)', 2);
  const community = config.communities.find((c) => c.key === key);
  if (community === undefined) throw new UserError(`no community "${key}" in the COMMUNITIES file (see \`scrutin communities list\`)`, 2);
  return { config: { ...config, meta: community.meta }, scope: (store) => store.forCommunity(key) };
}

/** Opens the store, turning connection failures into a clear message. */
export async function openStore(config: Config): Promise<Store> {
  const store = Store.open(config.db);
  try {
    await store.ping();
  } catch (error) {
    await store.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot reach the ${describeDb(config)}: ${reason}`);
  }
  return store;
}
