// Finding the election a URL names, and turning refusals into the error pages they
// deserve: the load and authorise steps every election route shares.
import type { Refusal } from '../../app/refusals.js';
import type { Election, ElectionEntry } from '../../core/meta/types.js';
import type { AppContext } from '../context.js';
import { HttpError, notFound, refusalError } from '../errors.js';

/** Election keys are folder names joined by `---`; anything else is not worth a lookup. */
const KEY_SHAPE = /^[A-Za-z0-9._-]{1,200}$/;

export function findEntry(ctx: Pick<AppContext, 'catalogue'>, key: string, list = '/app/elections'): ElectionEntry {
  const entry = KEY_SHAPE.test(key) ? ctx.catalogue.current().entries.get(key) : undefined;
  if (entry === undefined) throw notFound('election', ['See all elections', list]);
  return entry;
}

export type UsableEntry = ElectionEntry & { ok: true };

/** An election whose files do not parse is unavailable to voters (SPEC §1). */
export function usableEntry(entry: ElectionEntry): UsableEntry {
  if (entry.ok) return entry;
  throw new HttpError(
    503,
    'This election is unavailable',
    'Its files in the meta repository have errors, so it cannot be shown or voted in right now. The election officers have been shown what to fix; please try again later.',
    ['See all elections', '/app/elections'],
  );
}

export function usable(entry: ElectionEntry): Election {
  return usableEntry(entry).election;
}

/** Turns a policy refusal into the error page it deserves; an allowed decision passes. */
export function refuse(decision: { ok: true } | Refusal, next?: [string, string]): void {
  if (decision.ok) return;
  throw refusalError(decision, next !== undefined ? { next } : {});
}
