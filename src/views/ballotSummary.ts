// The plain-language summary of a ballot ("Your ballot: 1. Ann, 2. Ben and Cat
// tied, no opinion on Dan."). public/scrutin.js writes the same sentence live as
// the voter ranks; the server writes it when it re-shows or opens a ballot.

export interface RankedName {
  name: string;
  /** null: no opinion. */
  rank: number | null;
}

export interface Tier {
  rank: number;
  names: string[];
}

/** Candidates grouped by rank, best first; ties share a group. */
export function tiers(choices: readonly RankedName[]): Tier[] {
  const byRank = new Map<number, string[]>();
  for (const c of choices) {
    if (c.rank === null) continue;
    const group = byRank.get(c.rank) ?? [];
    group.push(c.name);
    byRank.set(c.rank, group);
  }
  return [...byRank.entries()].sort((a, b) => a[0] - b[0]).map(([rank, names]) => ({ rank, names }));
}

export function listText(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

export function ballotSummary(choices: readonly RankedName[]): string {
  const groups = tiers(choices);
  const unranked = choices.filter((c) => c.rank === null).map((c) => c.name);
  // The numbers the voter chose (gaps included), as the ballot form shows them.
  const parts = groups.map(({ rank, names }) => `${rank}. ${listText(names)}${names.length > 1 ? ' tied' : ''}`);
  if (unranked.length > 0) parts.push(groups.length === 0 ? 'no opinion on any candidate' : `no opinion on ${listText(unranked)}`);
  return `Your ballot: ${parts.length === 0 ? 'empty' : parts.join(', ')}.`;
}
