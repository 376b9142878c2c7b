// What the primary and its workers say to each other over the cluster's IPC channel.
// Worker → primary: `lease` asks to read the meta checkout (answered by `leased` when
// no update runs), `release` ends that read, `sync` passes on a webhook's request.
// Primary → worker: `leased`, and `meta` after each swap (load the checkout again).

export type ToPrimary = { scrutin: 'lease'; id: number } | { scrutin: 'release'; id: number } | { scrutin: 'sync'; reason: string };

export type ToWorker = { scrutin: 'leased'; id: number } | { scrutin: 'meta'; revision: string | null };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function toPrimary(message: unknown): ToPrimary | null {
  if (!isRecord(message)) return null;
  if ((message.scrutin === 'lease' || message.scrutin === 'release') && typeof message.id === 'number')
    return { scrutin: message.scrutin, id: message.id };
  if (message.scrutin === 'sync' && typeof message.reason === 'string') return { scrutin: 'sync', reason: message.reason.slice(0, 200) };
  return null;
}

export function toWorker(message: unknown): ToWorker | null {
  if (!isRecord(message)) return null;
  if (message.scrutin === 'leased' && typeof message.id === 'number') return { scrutin: 'leased', id: message.id };
  if (message.scrutin === 'meta' && (typeof message.revision === 'string' || message.revision === null))
    return { scrutin: 'meta', revision: message.revision };
  return null;
}
