// Which affiliation a candidate or continuing member counts for. Officers copy
// employers by hand into candidate headers and election.yaml, so two spellings that
// differ only in letter case or spacing are the same affiliation; anything else
// (`Google` vs `Google LLC`) is different, and the explanation shows the spellings.

/**
 * Values that say "no affiliation" rather than name one. Two independent candidates
 * are not colleagues: capping them together would misread the charter.
 */
const UNAFFILIATED = new Set([
  '',
  '-',
  'n/a',
  'na',
  'none',
  'no affiliation',
  'independent',
  'self',
  'self-employed',
  'self employed',
  'unaffiliated',
  'unemployed',
]);

/** The comparison key of an affiliation, or null when it names none. */
export function affiliationKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const key = value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return UNAFFILIATED.has(key) ? null : key;
}

/** The value of the `field` entry of a candidate's `info` (first one, as written), or null. */
export function infoValue(info: readonly { key: string; value: string }[], field: string): string | null {
  const entry = info.find((f) => f.key === field) ?? info.find((f) => f.key.trim().toLowerCase() === field.trim().toLowerCase());
  return entry === undefined ? null : entry.value;
}
