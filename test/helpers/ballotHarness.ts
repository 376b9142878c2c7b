// The real ballot service (src/app/ballots/) on a fresh database of any engine, with
// a fixed catalogue, a clock the test moves, cheap KDF parameters and a log it can read.
// Several services can share one database, like replicas of one deployment.
import pino from 'pino';
import type { AttemptLimit } from '../../src/app/ballots/attemptLimiter.js';
import type { BallotPorts } from '../../src/app/ballots/context.js';
import type { DerivationLimit } from '../../src/app/ballots/derivationThrottle.js';
import { createBallotService } from '../../src/app/ballots/service.js';
import type { BallotService, Voter } from '../../src/app/ballots/types.js';
import { parseConfig, type DbKind } from '../../src/config.js';
import type { KdfParams } from '../../src/core/ballot/kdfParams.js';
import type { Election } from '../../src/core/meta/types.js';
import { argon2DeriveKey, KdfPool } from '../../src/crypto/kdf.js';
import { FixedCatalogue } from '../../src/metarepo/catalogue.js';
import type { Store } from '../../src/storage/store.js';
import { freshStore, type TestDatabase } from './db.js';
import { entryOf, snapshotOf } from './meta.js';
import { logSink } from './logs.js';

/** Cheap enough for hundreds of derivations in a test; the record format is the real one. */
export const CHEAP_KDF: KdfParams = Object.freeze({ algorithm: 'argon2id', version: 19, memoryKiB: 64, passes: 1, parallelism: 1 });

export interface HarnessOptions {
  elections: Election[];
  now: Date;
  attempts?: AttemptLimit;
  kdfConcurrency?: number;
  /** Bound the derivation queue (KdfPool's maxWaitMs / maxQueue); unbounded by default. */
  kdfQueue?: { maxWaitMs: number; maxQueue?: number };
  minPasscodeLength?: number;
}

export interface ServiceOptions {
  /** Replace the clock of this service only (e.g. one that moves on each reading). */
  clock?: () => Date;
  attempts?: AttemptLimit;
  derivations?: DerivationLimit;
}

export interface BallotHarness {
  kind: DbKind;
  store: Store;
  database: TestDatabase;
  catalogue: FixedCatalogue;
  /** What the service is given (the clock of the first service). */
  ports: BallotPorts;
  pool: KdfPool;
  service: BallotService;
  logs: string[];
  /** Key derivations run so far (every service of the harness shares the pool). */
  derivations: () => number;
  /** Derivations started from now on wait until the returned function is called. */
  holdDerivations: () => () => void;
  setNow: (date: Date) => void;
  now: () => Date;
  /** Another service on the same database: a replica with its own process-local state. */
  newService: (options?: ServiceOptions) => BallotService;
  /** Signs a user in (creates the user row) and returns the voter. */
  user: (login: string) => Promise<Voter & { name: null }>;
  replaceElections: (elections: Election[]) => void;
  cleanup: () => Promise<void>;
}

export async function ballotHarness(kind: DbKind, options: HarnessOptions): Promise<BallotHarness> {
  const { store, database, cleanup } = await freshStore(kind);
  const config = parseConfig(
    { APP_ENV: 'test', DATABASE_URL: database.url, MIN_PASSCODE_LENGTH: String(options.minPasscodeLength ?? 6) },
    process.cwd(),
  );
  let now = options.now;
  const clock = () => now;
  const catalogue = new FixedCatalogue(snapshotOf(options.elections.map(entryOf), 'abc123', now));
  const { logs, sink } = logSink();
  const log = pino({ level: 'info' }, sink);
  let derivations = 0;
  let held: Promise<void> | null = null;
  const pool = new KdfPool({
    concurrency: options.kdfConcurrency ?? 2,
    ...(options.kdfQueue ?? {}),
    derive: async (passphrase, salt, params) => {
      derivations++;
      if (held !== null) await held;
      return argon2DeriveKey(passphrase, salt, params);
    },
  });
  const ports: BallotPorts = { store, catalogue, clock, log, settings: { minPasscodeLength: config.minPasscodeLength } };
  const newService = (o: ServiceOptions = {}): BallotService => {
    const attempts = o.attempts ?? options.attempts;
    return createBallotService({ ...ports, clock: o.clock ?? clock }, pool, {
      newParams: CHEAP_KDF,
      ...(attempts !== undefined ? { attempts } : {}),
      ...(o.derivations !== undefined ? { derivations: o.derivations } : {}),
    });
  };
  const service = newService();
  return {
    kind,
    store,
    database,
    catalogue,
    ports,
    pool,
    service,
    logs,
    derivations: () => derivations,
    holdDerivations: () => {
      let release: () => void = () => undefined;
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        held = null;
        release();
      };
    },
    setNow: (date) => {
      now = date;
    },
    now: clock,
    newService,
    user: async (login) => {
      const u = await store.users.recordSignIn({ login, name: null, githubId: null, now });
      return { id: u.id, login: u.login, name: null };
    },
    replaceElections: (elections) => {
      catalogue.replace(snapshotOf(elections.map(entryOf), 'abc124', now));
    },
    cleanup,
  };
}

/** A full ballot for candidates in order: the first gets rank 1, the next 2, and so on. */
export function rankInOrder(election: Election): Record<string, string> {
  return Object.fromEntries(election.candidates.map((c, i) => [`candidate@${c.id}`, String(i + 1)]));
}

/** Raw counts straight from the tables, independent of BallotRepo. */
export async function tableCounts(store: Store, electionKey: string): Promise<{ voters: number; ballotRows: number; ballots: number }> {
  const election = await store.db.selectFrom('election').select('id').where('key', '=', electionKey).executeTakeFirst();
  if (election === undefined) return { voters: 0, ballotRows: 0, ballots: 0 };
  const voters = await store.db
    .selectFrom('voter')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('election_id', '=', election.id)
    .executeTakeFirstOrThrow();
  const rows = await store.db.selectFrom('ballot').select(['voter']).where('election_id', '=', election.id).execute();
  return { voters: Number(voters.n), ballotRows: rows.length, ballots: new Set(rows.map((r) => r.voter)).size };
}
