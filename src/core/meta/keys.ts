// The keys each meta file may hold, and "did you mean …?" for the ones that look like
// a misspelling. Unknown keys are ignored, as Elekto ignores them, so a typo silently
// changes what an election means (`exceptions_due` leaves exception requests closing
// at the start): the warning is the only way an officer hears of it.
import type { MapEntry, Node } from './yaml.js';

/** election.yaml keys Elekto reads. */
export const ELEKTO_ELECTION_KEYS = [
  'name',
  'organization',
  'start_datetime',
  'end_datetime',
  'no_winners',
  'allow_no_opinion',
  'delete_after',
  'show_candidate_fields',
  'election_officers',
  'eligibility',
  'exception_description',
  'exception_due',
] as const;

/** election.yaml keys Scrutin adds (SPEC §10); Elekto ignores them. */
export const EXTENSION_ELECTION_KEYS = [
  'ballot_method',
  'max_selections',
  'max_per_affiliation',
  'affiliation_field',
  'continuing_members',
  'tie_break',
  'ballot_receipts',
] as const;

/** A key of election.yaml that Scrutin reads: Elekto's or an extension. */
export type ElectionKey = (typeof ELEKTO_ELECTION_KEYS)[number] | (typeof EXTENSION_ELECTION_KEYS)[number];
export const ELECTION_KEYS: readonly string[] = [...ELEKTO_ELECTION_KEYS, ...EXTENSION_ELECTION_KEYS];

/**
 * The value of election.yaml's top-level entry `key` (as `mapEntries` returns them), or
 * null. Typed with the lists above, so the readers cannot read a key that the check
 * below would report as a misspelling: it does not compile.
 */
export function electionValue(entries: ReadonlyMap<string, MapEntry>, key: ElectionKey): Node | null {
  return entries.get(key)?.value ?? null;
}
export const VOTERS_KEYS: readonly string[] = ['eligible_voters'];
export const CANDIDATE_KEYS: readonly string[] = ['name', 'ID', 'info'];

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours: `nmae`). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = d;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

const fold = (key: string): string =>
  key
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '_');

/**
 * The known key `key` is probably a misspelling of, or null. Case, hyphens and spaces
 * are ignored; then two edits are allowed for long keys and one for short ones (so
 * `date` is not taken for `name`).
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  if (known.includes(key)) return null;
  const folded = fold(key);
  let best: { key: string; d: number } | null = null;
  for (const candidate of known) {
    const target = fold(candidate);
    const d = editDistance(folded, target);
    const allowed = target.length >= 8 ? 2 : 1;
    if (d <= allowed && (best === null || d < best.d)) best = { key: candidate, d };
  }
  return best?.key ?? null;
}
