// What the text, Markdown and JSON renderings of a result share: candidate names,
// places with ties, and the wording of seats.
import type { TallyResult } from './tally.js';

/** Candidate ID → display name. Candidates missing from it are shown by ID. */
export type CandidateNames = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function isMap(names: CandidateNames): names is ReadonlyMap<string, string> {
  return names instanceof Map;
}

export function nameLookup(
  result: { readonly candidates: readonly string[] },
  names: CandidateNames | undefined,
): (index: number) => string {
  const get = (id: string): string | undefined => {
    if (names === undefined) return undefined;
    if (isMap(names)) return names.get(id);
    return Object.hasOwn(names, id) ? names[id] : undefined;
  };
  const resolved = result.candidates.map((id) => {
    const name = get(id)?.trim();
    return name === undefined || name === '' ? id : name;
  });
  return (index) => resolved[index] ?? String(index);
}

export function idOf(result: TallyResult): (index: number) => string {
  return (index) => result.candidates[index] ?? String(index);
}

/** The place of each ranking group: 1 + the number of candidates in better groups. */
export function places(result: TallyResult): number[] {
  let before = 0;
  return result.ranking.map((group) => {
    const place = before + 1;
    before += group.length;
    return place;
  });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function seatRange(first: number, last: number): string {
  return first === last ? `seat ${first}` : `seats ${first}–${last}`;
}

/** "A", "A and B", "A, B and C". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** Names come from a CSV header: never let them move the cursor or recolour the terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
