// What the use-cases need from the world around them, declared here so that they
// depend on nothing above them: not the HTTP server, not the pages. The running
// service (src/main.ts), the commands and the tests each hand over these.
import type { MetaSnapshot } from '../core/meta/types.js';
import type { Store } from '../storage/store.js';

export type { Store };

/** The time now. Always injected, so a test can stand a second before a deadline. */
export type Clock = () => Date;

/** The subset of a pino logger the use-cases write to. */
export interface Log {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** How current the elections being served are. */
export interface CatalogueState {
  /** ok: last sync succeeded; degraded: serving an older snapshot after a failure; empty: nothing loaded yet. */
  state: 'ok' | 'degraded' | 'empty';
  revision: string | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  /** Elections whose files have errors (unavailable to voters) in the served snapshot. */
  unavailableElections?: number;
}

/** The meta repository as requests read it: an in-memory snapshot, never the disk. */
export interface CatalogueReader {
  current: () => MetaSnapshot;
  status: () => CatalogueState;
}
