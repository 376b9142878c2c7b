// The elections list (signed-in and public): filter by phase, sorted, a page at a
// time. A community with hundreds of elections gets a list that is quick to render
// and to read, instead of one enormous page.
import { z } from 'zod';
import { phaseAt } from '../../core/election/phase.js';
import type { ElectionEntry } from '../../core/meta/types.js';
import type { ElectionListItem } from '../../views/components/ElectionList.js';
import type { Pagination } from '../../views/models.js';
import { badRequest, notFound } from '../errors.js';

export const PAGE_SIZE = 50;

const listQuery = z.object({
  status: z.enum(['running', 'upcoming', 'completed']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});

export interface ListRequest {
  filter: 'running' | 'upcoming' | 'completed' | null;
  page: number;
}

export function parseListQuery(query: unknown, base: string): ListRequest {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success)
    throw badRequest('The status filter must be running, upcoming or completed, and the page a positive number.', [
      'See all elections',
      base,
    ]);
  return { filter: parsed.data.status ?? null, page: parsed.data.page ?? 1 };
}

/** Entries in a stable, useful order: running first (closing soonest), then upcoming, then closed (latest first). */
export function sortEntries(entries: Iterable<ElectionEntry>, now: Date): ElectionEntry[] {
  const rank = (e: ElectionEntry) => (e.ok ? { running: 0, upcoming: 1, completed: 2 }[phaseAt(e.election, now)] : 3);
  const when = (e: ElectionEntry) => {
    if (!e.ok) return 0;
    const phase = phaseAt(e.election, now);
    if (phase === 'running') return e.election.endDatetime.getTime();
    if (phase === 'upcoming') return e.election.startDatetime.getTime();
    return -e.election.endDatetime.getTime();
  };
  return [...entries].sort((a, b) => rank(a) - rank(b) || when(a) - when(b) || a.key.localeCompare(b.key));
}

/** The requested page of the filtered, sorted entries; a page past the end is a 404. */
export function listPage(
  entries: Iterable<ElectionEntry>,
  request: ListRequest,
  now: Date,
  base: string,
): { entries: ElectionEntry[]; pagination: Pagination } {
  const all = sortEntries(entries, now).filter((e) => request.filter === null || (e.ok && phaseAt(e.election, now) === request.filter));
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  if (request.page > pages) throw notFound('page of elections', ['See the first page', base]);
  const start = (request.page - 1) * PAGE_SIZE;
  return { entries: all.slice(start, start + PAGE_SIZE), pagination: { page: request.page, pages, total: all.length } };
}

/** An entry as a line of an election list, with the note the page adds for this user. */
export function listItem(entry: ElectionEntry, now: Date, note?: ElectionListItem['note']): ElectionListItem {
  if (!entry.ok) return { key: entry.key, name: entry.name ?? entry.key, organization: null, phase: 'unavailable', start: null, end: null };
  const e = entry.election;
  return {
    key: e.key,
    name: e.name,
    organization: e.organization,
    phase: phaseAt(e, now),
    start: e.startDatetime,
    end: e.endDatetime,
    ...(note !== undefined ? { note } : {}),
  };
}
