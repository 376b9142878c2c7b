// The draft `results.md` of the officers' results page, in the layout Kubernetes
// elections publish (see the results.md files of an Elekto meta repository): the
// election and its dates, ballots and participation, the winners, then the places of
// every candidate. Officers read it, add their words, and commit it.
//
// An election with rules (SPEC §10) gets what they did in the draft too: who the cap
// skipped and why, which tie the declared draw broke and how; approval and STV
// elections get their own count's table in place of the Schulze ranking.
import { escapeMarkdown, formatApprovalMarkdown, formatStvMarkdown, type StvResult, type TallyResult } from '../tally/index.js';
import type { ApprovalResult } from '../tally/approval.js';

export interface ResultsDraftInput {
  name: string;
  start: Date;
  end: Date;
  /** Eligible voters (voters.yaml), for the participation. */
  eligible: number;
  result: TallyResult;
  /** Ballots that express no preference between any two candidates. */
  abstentions: number;
  /** Candidate ID → display name. */
  names: ReadonlyMap<string, string>;
  /** What the election's rules did (the count's notes, plain text, with names); empty or absent when nothing. */
  notes?: readonly string[];
  /** Whether the election declares a tie-break (then a tie left unbroken is only one the draw could not reach). */
  tieBreakDeclared?: boolean;
}

/** The head of the draft common to every method: title, dates, participation. */
interface DraftHead {
  name: string;
  start: Date;
  end: Date;
  eligible: number;
  seats: number;
  ballots: number;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });

/** `January 11, 2021` (UTC). */
export function longDate(date: Date): string {
  return dateFormat.format(date);
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** `80%`, `66.7%`; null when there is nobody to divide by. */
export function percent(part: number, whole: number): string | null {
  if (whole <= 0) return null;
  const value = Math.round((part / whole) * 1000) / 10;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}%`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function draftHead(input: DraftHead): string[] {
  const out: string[] = [];
  out.push("<!-- Draft from Scrutin's officer page: review it, then commit it as results.md in the election's folder. -->", '');
  out.push(`## ${escapeMarkdown(input.name)}`, '');
  const to =
    longDate(input.start) === longDate(input.end) ? `on ${longDate(input.end)}` : `from ${longDate(input.start)} to ${longDate(input.end)}`;
  out.push(`This election ran ${to}, for ${count(input.seats, 'seat', 'seats')}.`, '');
  const share = percent(input.ballots, input.eligible);
  const cast = `${count(input.ballots, 'ballot was', 'ballots were')} cast`;
  out.push(
    `There ${input.eligible === 1 ? 'was 1 eligible voter' : `were ${input.eligible} eligible voters`}. ${share === null ? `${cast}.` : `${cast}, which is ${share} participation.`}`,
    '',
  );
  return out;
}

/** The body of `scrutin tally --format markdown` below its title and its own draft comment. */
function bodyOf(markdown: string): string[] {
  const lines = markdown.trimEnd().split('\n');
  const start = lines.findIndex((l, i) => i > 0 && l.startsWith('<!--'));
  return lines.slice(start + 2);
}

export type MethodDraftInput = Omit<ResultsDraftInput, 'result' | 'abstentions' | 'tieBreakDeclared'> &
  ({ method: 'approval'; approval: ApprovalResult } | { method: 'stv'; stv: StvResult });

/** The draft results.md of an approval or STV election. */
export function methodResultsDraft(input: MethodDraftInput): string {
  const result = input.method === 'approval' ? input.approval : input.stv;
  const out = draftHead({ ...input, seats: result.seats, ballots: result.ballots });
  const body =
    input.method === 'approval'
      ? bodyOf(formatApprovalMarkdown(input.approval, { names: input.names }))
      : bodyOf(formatStvMarkdown(input.stv, { names: input.names }));
  out.push(...body);
  return `${out.join('\n')}\n`;
}

export function resultsDraft(input: ResultsDraftInput): string {
  const { result } = input;
  const label = (i: number): string => {
    const id = result.candidates[i] ?? '';
    return escapeMarkdown(input.names.get(id) ?? id);
  };
  const out = draftHead({ ...input, seats: result.seats, ballots: result.ballots });

  const winners = result.winners.map(label);
  if (result.seats === 1 && winners.length === 1) {
    out.push(`## Winner: ${winners[0] ?? ''}`, '');
  } else {
    out.push(`## ${result.seats === 1 ? 'Winner' : 'Winners'}`, '');
    if (winners.length === 0) out.push('No winner is named yet.', '');
    else out.push(...winners.map((w) => `- ${w}`), '');
  }
  const notes = input.notes ?? [];
  if (notes.length > 0) {
    out.push("### How the election's rules filled the seats", '');
    out.push(...notes.map((n) => `- ${escapeMarkdown(n)}`), '');
  }
  for (const tie of result.ties) {
    const seats = tie.firstSeat === tie.lastSeat ? `seat ${tie.firstSeat}` : `seats ${tie.firstSeat} to ${tie.lastSeat}`;
    out.push(
      `**Tie for ${seats}:** ${listing(tie.candidates.map(label))} are tied. The election officers break the tie by their own rules: <!-- say how, and who won -->`,
      '',
    );
  }
  if (result.vacantSeats > 0) {
    out.push(`${count(result.vacantSeats, 'seat stays', 'seats stay')} empty: there were fewer candidates than seats.`, '');
  }

  out.push('## Ranking', '');
  let place = 1;
  for (const group of result.ranking) {
    const who = group.length === 1 ? label(group[0] ?? 0) : `tie between ${listing(group.map(label))}`;
    out.push(`${ordinal(place)}: ${who}`, '');
    place += group.length;
  }

  const blank = input.abstentions === 0 ? '' : `, ${count(input.abstentions, 'of which expresses', 'of which express')} no preference`;
  out.push(`Counted with the Schulze method (winning votes): ${count(result.ballots, 'ballot', 'ballots')}${blank}.`);
  return `${out.join('\n')}\n`;
}
