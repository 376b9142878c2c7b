// The seating under the election's rules in plain English, one sentence per event,
// for the terminal, results.md drafts and (later) the officer pages. The structured
// data is the Seating value itself; these lines only put it into words.
import { capWords } from './rules.js';
import type { Seating } from './seats.js';
import type { TieBreakUse } from './draw.js';
import { listing, seatRange } from '../tally/formatCommon.js';

/** How the declared draw ordered candidates: "seed "…": B (3f2a…), A (9c01…)". */
export function describeDraw(use: TieBreakUse, label: (id: string) => string): string {
  return `seeded-hash draw with seed ${JSON.stringify(use.seed)}: ${use.draw.map((e) => `${label(e.candidate)} (${e.digest.slice(0, 12)}…)`).join(', ')}`;
}

/** One line per cap decision, tie and draw. Empty when the rules changed nothing. */
export function describeSeating(seating: Seating, label: (id: string) => string): string[] {
  const lines: string[] = [];
  const cap = seating.cap;
  if (cap !== null) {
    lines.push(
      `Cap: ${capWords(cap.cap)}; the body has ${cap.body} members (${seating.seats} seats + ${cap.body - seating.seats} continuing), so each affiliation may hold ${cap.limit}.`,
    );
  }
  for (const s of seating.skipped) {
    // Holders are continuing members (logins, shown as written) and elected candidates.
    const holders = s.holders.map((h) => (seating.winners.includes(h) ? label(h) : h));
    const held = holders.length + s.undecided;
    const who = [...holders, ...(s.undecided > 0 ? [`${s.undecided} seat${s.undecided === 1 ? '' : 's'} still tied`] : [])];
    const why = s.afterDraw ? ' after the draw seated a colleague first' : '';
    lines.push(
      `Skipped ${label(s.candidate)} (place ${s.place}, ${s.affiliation}): ${s.affiliation} already holds ${held} of at most ${s.limit} (${listing(who)})${why}.`,
    );
  }
  for (const t of seating.tieBreaks) {
    const lost = t.candidates.filter((c) => !t.elected.includes(c));
    const seats = t.elected.length === 0 ? 'no seat' : seatRange(t.firstSeat, t.lastSeat);
    lines.push(
      `Tie broken: ${listing(t.candidates.map(label))} were tied; ${describeDraw(t.use, label)}. Seated: ${t.elected.length === 0 ? 'nobody' : listing(t.elected.map(label))} (${seats})${lost.length > 0 ? `; not seated: ${listing(lost.map(label))}` : ''}.`,
    );
  }
  for (const t of seating.ties) {
    const them = t.firstSeat === t.lastSeat ? 'it' : 'them';
    if (t.reason === 'cap') {
      lines.push(
        `Tie: ${listing(t.candidates.map(label))} (${t.affiliation ?? ''}) are tied for ${seatRange(t.firstSeat, t.lastSeat)}, the most their affiliation may still hold; no winner is named for ${them}.`,
      );
    } else {
      lines.push(
        `Tie: ${listing(t.candidates.map(label))} are tied for ${seatRange(t.firstSeat, t.lastSeat)}; no winner is named for ${them}.`,
      );
    }
  }
  if (seating.ties.length > 0) lines.push('No tie-break is declared: the election officers break the tie by their own rules.');
  // Too few candidates is said with the ranking; only what the cap leaves empty is said here.
  const capped = seating.vacantSeats - Math.max(0, seating.seats - seating.candidates);
  if (capped > 0)
    lines.push(`${capped} seat${capped === 1 ? '' : 's'} cannot be filled: every candidate left is of an affiliation at its limit.`);
  return lines;
}
