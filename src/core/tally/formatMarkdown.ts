// A draft `results.md` for the meta repository: officers review it, add what their
// rules say about ties, and commit it. Names are escaped, so a candidate called
// `<script>` or `*bold*` reads as written.
import type { Comparison, PathEvidence } from './explain.js';
import { type CandidateNames, listing, nameLookup, places, plural, seatRange } from './formatCommon.js';
import type { TallyResult } from './tally.js';

export interface MarkdownOptions {
  names?: CandidateNames;
  /** The election's name, for the title. */
  title?: string;
  /** Sentences shown under the winners, such as how the election's seat rules applied (escaped here). */
  notes?: readonly string[];
}

export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_[\]<>|~#!]/g, '\\$&');
}

export function formatMarkdown(result: TallyResult, options: MarkdownOptions = {}): string {
  const lookup = nameLookup(result, options.names);
  const label = (i: number): string => escapeMarkdown(lookup(i));
  const n = result.candidates.length;
  const out: string[] = [];
  out.push(`# ${options.title === undefined ? 'Results' : `${escapeMarkdown(options.title)}: results`}`, '');
  out.push('<!-- Draft written by `scrutin tally`; review it before committing. -->', '');
  out.push('Counted with the Schulze method (winning votes).', '');
  out.push(`- Seats: ${result.seats}`, `- Ballots counted: ${result.ballots}`, `- Candidates: ${n}`, '');

  out.push(`## ${result.seats === 1 ? 'Winner' : 'Winners'}`, '');
  if (result.winners.length === 0) out.push('No winner is named.');
  else out.push(...result.winners.map((w) => `- **${label(w)}**`));
  out.push('');
  for (const tie of result.ties) {
    const them = tie.firstSeat === tie.lastSeat ? 'this seat' : 'these seats';
    out.push(
      `**Tie for ${seatRange(tie.firstSeat, tie.lastSeat)}:** ${listing(tie.candidates.map(label))} are tied. No winner is named for ${them}; the election officers break the tie by their own rules.`,
      '',
    );
  }
  if (result.vacantSeats > 0) {
    out.push(
      `Only ${plural(n, 'candidate')} stood for ${plural(result.seats, 'seat')}; ${plural(result.vacantSeats, 'seat')} cannot be filled.`,
      '',
    );
  }

  if (options.notes !== undefined && options.notes.length > 0) {
    out.push("## Seats under the election's rules", '', ...options.notes.map((note) => `- ${escapeMarkdown(note)}`), '');
  }

  out.push('## Ranking', '', '| Place | Candidate | Beaten by |', '|---:|---|---:|');
  const placeOf = places(result);
  result.ranking.forEach((group, g) => {
    const place = `${placeOf[g] ?? 0}${group.length > 1 ? ' (tie)' : ''}`;
    for (const x of group) out.push(`| ${place} | ${label(x)} | ${result.beatenBy[x] ?? 0} |`);
  });
  out.push('', '"Beaten by" counts the candidates whose strongest path to this one is stronger than the path back.', '');

  if (result.explanation.adjacent.length > 0) {
    out.push('## Why', '');
    for (const c of result.explanation.adjacent) out.push(`- ${explain(c, label)}`);
    out.push('');
  }

  out.push(
    '## Pairwise preferences',
    '',
    "Each cell counts the ballots ranking the row's candidate above the column's; candidates in ranking order.",
    '',
  );
  out.push(...table(result, result.d, label), '');
  out.push(
    '## Strongest paths',
    '',
    "Each cell is the strength of the strongest path from the row's candidate to the column's (0: no path).",
    '',
  );
  out.push(...table(result, result.p, label));
  return `${out.join('\n')}\n`;
}

function chain(path: PathEvidence, label: (i: number) => string): string {
  return `${path.chain.map(label).join(' → ')} (strength ${path.strength})`;
}

function ranks(count: number): string {
  return count === 1 ? '1 ballot ranks' : `${count} ballots rank`;
}

function explain(c: Comparison, label: (i: number) => string): string {
  const a = label(c.a);
  const b = label(c.b);
  const headToHead = `Head to head, ${ranks(c.aOverB)} ${a} higher and ${ranks(c.bOverA)} ${b} higher.`;
  if (c.outcome === 'tie') {
    const paths =
      c.pathAToB.strength === 0
        ? 'there is no path either way'
        : `${chain(c.pathAToB, label)} and ${chain(c.pathBToA, label)} are equally strong`;
    return `**${a}** and **${b}** are tied: ${paths}. ${headToHead}`;
  }
  const back = c.pathBToA.strength === 0 ? 'and there is no path back' : `is stronger than ${chain(c.pathBToA, label)}`;
  return `**${a}** beats **${b}**: ${chain(c.pathAToB, label)} ${back}. ${headToHead}`;
}

function table(result: TallyResult, cells: Uint32Array, label: (i: number) => string): string[] {
  const n = result.candidates.length;
  const indices = result.ranking.flat();
  return [
    `| | ${indices.map(label).join(' | ')} |`,
    `|---|${indices.map(() => '---:').join('|')}|`,
    ...indices.map((i) => `| **${label(i)}** | ${indices.map((j) => (i === j ? '—' : String(cells[i * n + j] ?? 0))).join(' | ')} |`),
  ];
}
