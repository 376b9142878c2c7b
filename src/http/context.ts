// What the HTTP layer is given to work with, built once by src/main.ts: every field is
// typed and present (nothing attached later, nothing read back with a cast). Routes
// read the meta repository only through the CatalogueReader (an in-memory snapshot),
// never from disk, and reach the database and the workers through the use-cases.
import type { FastifyBaseLogger } from 'fastify';
import type { BallotService } from '../app/ballots/types.js';
import type { MetaService } from '../app/metaService.js';
import type { CountPool } from '../app/officer/countPool.js';
import type { CatalogueReader } from '../app/ports.js';
import type { Readiness } from '../app/readiness.js';
import type { CommunityConfig, Config } from '../config.js';
import type { KdfPool } from '../crypto/kdf.js';
import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../storage/store.js';

/** What the pages show of a community (COMMUNITIES). */
export type CommunityInfo = Pick<CommunityConfig, 'key' | 'name' | 'hosts' | 'isDefault' | 'logo' | 'colour' | 'contact'>;

/** One community of the running service: its description, and the context its pages run in. */
export interface CommunityEntry {
  info: CommunityInfo;
  ctx: AppContext;
}

/** Asks for a meta repository sync (webhook); resolves when queued, not when done. */
export type SyncRequester = (reason: string) => void;

export interface AppContext {
  config: Config;
  store: Store;
  catalogue: CatalogueReader;
  clock: () => Date;
  log: FastifyBaseLogger;
  /** The meta repository service, when one is configured (not when a catalogue is given). */
  meta: MetaService | null;
  /** Present when a meta repository is configured (the webhook's sync). */
  requestSync?: SyncRequester;
  /** Casting, viewing and revoking ballots. */
  ballots: BallotService;
  /** The bounded key derivation pool the ballot service derives in. */
  kdfPool: KdfPool;
  /** The officers' counts, in worker threads. */
  countPool: CountPool;
  /** /health/ready's checks. */
  readiness: Readiness;
  /** Key for signed session cookies (derived from APP_KEY). */
  sessionKey: Buffer;
  /** Prometheus metrics of this service. */
  metrics: Metrics;
  /**
   * The community this context serves (its store, catalogue and meta service are that
   * community's), or null for the one community of a deployment without COMMUNITIES.
   */
  community: CommunityInfo | null;
  /** Every community of the service, in file order (empty without COMMUNITIES): the front page, the dashboard. */
  communities: () => readonly CommunityEntry[];
}
