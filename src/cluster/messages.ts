// What the primary and its workers say to each other over the cluster's IPC channel.
// Worker → primary: `hello` once it listens (answered with the sync state), `lease` asks
// to read the meta checkout (answered by `leased` when no update runs), `release` ends
// that read, `sync` passes on a webhook's request. Primary → worker: `leased`, `meta`
// after each swap (load the checkout again), `sync-state` when the sync state changes.
// With COMMUNITIES each community has its own checkout: `lease`, `sync`, `meta` and
// `sync-state` name it (`community`, its key); null is the single meta repository.

export type ToPrimary =
  | { scrutin: 'hello' }
  | { scrutin: 'lease'; id: number; community: string | null }
  | { scrutin: 'release'; id: number }
  | { scrutin: 'sync'; reason: string; community: string | null };

/** The primary's sync state: a worker's readiness and metrics report it (a failing fetch makes every worker stale). */
export interface PrimarySync {
  state: 'ok' | 'degraded' | 'empty';
  lastError: string | null;
  /** ms since the epoch, or null. */
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
}

export type ToWorker =
  | { scrutin: 'leased'; id: number }
  | { scrutin: 'meta'; revision: string | null; community: string | null }
  | ({ scrutin: 'sync-state'; community: string | null } & PrimarySync);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A community key as sent (absent: the single repository). Keys are short slugs (SPEC §10). */
function communityOf(message: Record<string, unknown>): string | null | undefined {
  const c = message.community;
  if (c === undefined || c === null) return null;
  return typeof c === 'string' && c.length <= 200 ? c : undefined;
}

export function toPrimary(message: unknown): ToPrimary | null {
  if (!isRecord(message)) return null;
  if (message.scrutin === 'hello') return { scrutin: 'hello' };
  const community = communityOf(message);
  if (community === undefined) return null;
  if (message.scrutin === 'lease' && typeof message.id === 'number') return { scrutin: 'lease', id: message.id, community };
  if (message.scrutin === 'release' && typeof message.id === 'number') return { scrutin: 'release', id: message.id };
  if (message.scrutin === 'sync' && typeof message.reason === 'string')
    return { scrutin: 'sync', reason: message.reason.slice(0, 200), community };
  return null;
}

export function toWorker(message: unknown): ToWorker | null {
  if (!isRecord(message)) return null;
  if (message.scrutin === 'leased' && typeof message.id === 'number') return { scrutin: 'leased', id: message.id };
  const community = communityOf(message);
  if (community === undefined) return null;
  if (message.scrutin === 'meta' && (typeof message.revision === 'string' || message.revision === null))
    return { scrutin: 'meta', revision: message.revision, community };
  const when = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (message.scrutin === 'sync-state' && (message.state === 'ok' || message.state === 'degraded' || message.state === 'empty'))
    return {
      scrutin: 'sync-state',
      community,
      state: message.state,
      lastError: typeof message.lastError === 'string' ? message.lastError : null,
      lastSuccessAt: when(message.lastSuccessAt),
      lastErrorAt: when(message.lastErrorAt),
    };
  return null;
}
