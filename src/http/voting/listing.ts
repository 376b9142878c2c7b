// The elections list (signed-in and public): filter by phase, sorted, a page at a
// time. A community with hundreds of elections gets a list that is quick to render
// and to read, instead of one enormous page. The order comes from the snapshot's
// indexes (src/core/meta/snapshotIndex.ts): a page costs its fifty lines, not a sort
// of the whole repository.
import { z } from 'zod';
import { phaseAt } from '../../core/election/phase.js';
import { listOrder } from '../../core/meta/snapshotIndex.js';
import type { ElectionEntry, MetaSnapshot } from '../../core/meta/types.js';
import type { ElectionListItem } from '../../views/components/ElectionList.js';
import type { Pagination } from '../../views/models.js';
import { badRequest, notFound } from '../errors.js';

export const PAGE_SIZE = 50;

const listQuery = z.object({
  status: z.enum(['running', 'upcoming', 'completed']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Only the elections listing me as a voter (or holding my vote), or those I run: signed-in lists only. */
  role: z.enum(['voter', 'officer']).optional(),
});

export interface ListRequest {
  filter: 'running' | 'upcoming' | 'completed' | null;
  page: number;
  role: 'voter' | 'officer' | null;
}

export function parseListQuery(query: unknown, base: string): ListRequest {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success)
    throw badRequest(
      'The status filter must be running, upcoming or completed, the role voter or officer, and the page a positive number.',
      ['See all elections', base],
    );
  return { filter: parsed.data.status ?? null, page: parsed.data.page ?? 1, role: parsed.data.role ?? null };
}

/** Every election of the snapshot in list order, only those of `filter`'s phase when given (indexed: no sort, no walk). */
export function orderedEntries(snapshot: MetaSnapshot, filter: ListRequest['filter'], now: Date): readonly ElectionEntry[] {
  const order = listOrder(snapshot, now);
  return filter === null ? order.all : order[filter];
}

/** Of `entries` (a few: one voter's), those in `filter`'s phase. */
export function inPhase(entries: readonly ElectionEntry[], filter: ListRequest['filter'], now: Date): readonly ElectionEntry[] {
  return filter === null ? entries : entries.filter((e) => e.ok && phaseAt(e.election, now) === filter);
}

/** The requested page of `listed` (filtered, in list order); a page past the end is a 404. */
export function listPage(
  listed: readonly ElectionEntry[],
  request: ListRequest,
  base: string,
): { entries: readonly ElectionEntry[]; pagination: Pagination } {
  const pages = Math.max(1, Math.ceil(listed.length / PAGE_SIZE));
  if (request.page > pages) throw notFound('page of elections', ['See the first page', base]);
  const start = (request.page - 1) * PAGE_SIZE;
  return { entries: listed.slice(start, start + PAGE_SIZE), pagination: { page: request.page, pages, total: listed.length } };
}

/** An entry as a line of an election list, with the note the page adds for this user. */
export function listItem(entry: ElectionEntry, now: Date, note?: ElectionListItem['note']): ElectionListItem {
  if (!entry.ok)
    return {
      key: entry.key,
      name: entry.name ?? entry.key,
      organization: null,
      phase: 'unavailable',
      start: null,
      end: null,
      owner: entry,
    };
  const e = entry.election;
  return {
    key: e.key,
    name: e.name,
    organization: e.organization,
    phase: phaseAt(e, now),
    start: e.startDatetime,
    end: e.endDatetime,
    owner: entry,
    ...(note !== undefined ? { note } : {}),
  };
}
