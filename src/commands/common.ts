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
