// The approval count for people and scripts: approvals per candidate (ties marked),
// the winners, and how the seats were filled under the election's rules.
import { describeSeating } from '../governance/describe.js';
import { capText } from '../governance/rules.js';
import type { Seating } from '../governance/seats.js';
import type { ApprovalResult } from './approval.js';
import { type CandidateNames, listing, nameLookup, plural, printable } from './formatCommon.js';
import { escapeMarkdown } from './formatMarkdown.js';

function byId(result: ApprovalResult): (id: string) => number {
  const index = new Map(result.candidates.map((id, i) => [id, i]));
  return (id) => index.get(id) ?? 0;
}

function summary(result: ApprovalResult): string {
  const limit =
    result.maxSelections === null
      ? 'any number of approvals per ballot'
      : `at most ${result.maxSelections} approval${result.maxSelections === 1 ? '' : 's'} per ballot`;
  return `${plural(result.ballots, 'ballot')}${result.blank > 0 ? ` (${result.blank} approving nobody)` : ''}, ${plural(result.candidates.length, 'candidate')}, ${plural(result.seats, 'seat')}; ${limit}`;
}

function winnersLine(seating: Seating, label: (id: string) => string): string {
  if (seating.winners.length === 0) return 'Winner: none named';
  return `${seating.winners.length === 1 ? 'Winner' : 'Winners'}: ${listing(seating.winners.map(label))}`;
}

export function formatApprovalText(result: ApprovalResult, names?: CandidateNames): string {
  const lookup = nameLookup(result, names);
  const at = byId(result);
  const label = (id: string): string => printable(lookup(at(id)));
  const lines: string[] = [`Approval count: ${summary(result)}.`, '', 'Approvals (most first):'];
  const width = Math.max(...result.candidates.map((id) => label(id).length), 0);
  let place = 1;
  for (const group of result.ranking) {
    for (const id of group) {
      lines.push(
        `  ${String(place).padStart(String(result.candidates.length).length)}. ${label(id).padEnd(width)}  ${result.approvals[at(id)] ?? 0}${group.length > 1 ? '  (tied)' : ''}`,
      );
    }
    place += group.length;
  }
  lines.push('', winnersLine(result.seating, label), ...describeSeating(result.seating, label));
  if (result.seating.vacantSeats > 0 && result.candidates.length < result.seats) {
    lines.push(`Only ${plural(result.candidates.length, 'candidate')} for ${plural(result.seats, 'seat')}.`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatApprovalMarkdown(result: ApprovalResult, options: { names?: CandidateNames; title?: string } = {}): string {
  const lookup = nameLookup(result, options.names);
  const at = byId(result);
  const label = (id: string): string => escapeMarkdown(lookup(at(id)));
  const out: string[] = [];
  out.push(`# ${options.title === undefined ? 'Results' : `${escapeMarkdown(options.title)}: results`}`, '');
  out.push('<!-- Draft written by `scrutin tally`; review it before committing. -->', '');
  out.push(`Counted by approval voting: ${escapeMarkdown(summary(result))}.`, '');
  out.push(`## ${result.seats === 1 ? 'Winner' : 'Winners'}`, '');
  if (result.seating.winners.length === 0) out.push('No winner is named.');
  else out.push(...result.seating.winners.map((w) => `- **${label(w)}**`));
  const notes = describeSeating(result.seating, (id) => lookup(at(id)));
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ${escapeMarkdown(n)}`));
  out.push('', '## Approvals', '', '| Place | Candidate | Approvals |', '|---:|---|---:|');
  let place = 1;
  for (const group of result.ranking) {
    for (const id of group) out.push(`| ${place}${group.length > 1 ? ' (tie)' : ''} | ${label(id)} | ${result.approvals[at(id)] ?? 0} |`);
    place += group.length;
  }
  return `${out.join('\n')}\n`;
}

/** The seating as JSON: IDs throughout; the cap also as election.yaml spells it. */
export function seatingJson(seating: Seating) {
  return {
    winners: seating.winners,
    ties: seating.ties,
    tieBreaks: seating.tieBreaks,
    skipped: seating.skipped,
    vacantSeats: seating.vacantSeats,
    cap: seating.cap === null ? null : { ...seating.cap, text: capText(seating.cap.cap) },
  };
}

export function toApprovalJson(result: ApprovalResult, names?: CandidateNames) {
  const lookup = nameLookup(result, names);
  const at = byId(result);
  return {
    method: 'approval' as const,
    seats: result.seats,
    candidates: result.candidates.map((id, i) => ({ id, name: lookup(i) })),
    ballots: result.ballots,
    blank: result.blank,
    maxSelections: result.maxSelections,
    approvals: Object.fromEntries(result.candidates.map((id, i) => [id, result.approvals[i] ?? 0])),
    ranking: result.ranking,
    ...seatingJson(result.seating),
    explanation: describeSeating(result.seating, (id) => lookup(at(id))),
  };
}

export function formatApprovalJson(result: ApprovalResult, names?: CandidateNames): string {
  return `${JSON.stringify(toApprovalJson(result, names), null, 2)}\n`;
}
