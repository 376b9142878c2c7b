// Assembling a MetaSnapshot from parsed folders. Kept apart from the loader so the
// rules (one entry per key, collisions reported) are pure and testable.
import type { ElectionEntry, MetaSnapshot, Problem } from './types.js';

/** Adds one parsed folder; a second folder with the same key is reported, not kept. */
export function addEntry(entries: Map<string, ElectionEntry>, entry: ElectionEntry, problems: Problem[]): void {
  const existing = entries.get(entry.key);
  if (existing !== undefined) {
    problems.push({
      file: entry.dir,
      message: `${entry.dir} and ${existing.dir} both make the election key "${entry.key}"; only ${existing.dir} is used (rename one folder)`,
      severity: 'error',
    });
    return;
  }
  entries.set(entry.key, entry);
}

/** Entries sorted by key, in a map nobody should mutate afterwards. */
export function freezeSnapshot(snapshot: MetaSnapshot): MetaSnapshot {
  const sorted = new Map([...snapshot.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return Object.freeze({ ...snapshot, entries: sorted, problems: Object.freeze([...snapshot.problems]) as Problem[] });
}
