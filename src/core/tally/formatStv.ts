// The STV count for people and scripts: each stage as a sentence (who moved, at what
// value, where the votes went, who was elected or excluded and why), the votes of
// every candidate at every stage, and JSON holding the same as data. Votes are exact:
// whole numbers of 0.00001, written with as many decimals as they need.
import { describeDraw } from '../governance/describe.js';
import { type CandidateNames, listing, nameLookup, plural, printable } from './formatCommon.js';
import { escapeMarkdown } from './formatMarkdown.js';
import { STV_SCALE, type StvResult, type StvStage, type StvTieSettlement } from './stv.js';

export const STV_VARIANT = 'Scottish STV (SSI 2007/42)';

/** Exact decimal text of a vote total in 1/STV_SCALE units: 12, 4.5, 0.33333. */
export function votesText(units: number): string {
  const whole = Math.floor(units / STV_SCALE);
  const frac = units - whole * STV_SCALE;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(5, '0').replace(/0+$/, '')}`;
}

function votesNumber(units: number): number {
  return Number(votesText(units));
}

function tieText(tie: StvTieSettlement, label: (i: number) => string, result: StvResult, stage: StvStage): string {
  const who = listing(tie.candidates.map(label));
  if (tie.by === 'earlier-stage')
    return `${who} were tied; decided by their votes at stage ${tie.stage}, the most recent stage where they differed`;
  const lot = result.lots.find((l) => l.stage === stage.stage && l.candidates.every((c) => tie.candidates.includes(c)));
  if (lot?.by === 'draw' && result.tieBreak !== null) {
    const drawn = {
      ...result.tieBreak,
      draw: result.tieBreak.draw.filter((e) => lot.candidates.some((c) => result.candidates[c] === e.candidate)),
    };
    return `${who} were tied at every stage; decided by the ${describeDraw(drawn, (id) => label(result.candidates.indexOf(id)))}`;
  }
  return `${who} were tied at every stage: a lot nobody drew (shown here falling on ${label(lot?.chosen ?? tie.candidates[0] ?? 0)}; see the ties below)`;
}

/** One stage in words. */
export function describeStvStage(result: StvResult, stage: StvStage, label: (i: number) => string): string {
  const parts: string[] = [];
  const moved = stage.transfers.map((t) => `${label(t.to)} +${votesText(t.votes)} (${plural(t.papers, 'paper')})`);
  const exhausted =
    stage.exhausted.papers > 0
      ? `${plural(stage.exhausted.papers, 'paper')} with no further preference (${votesText(stage.exhausted.votes)} votes) set aside`
      : '';
  const flow = [moved.length > 0 ? moved.join(', ') : 'nothing transferred', exhausted].filter((s) => s !== '').join('; ');
  switch (stage.kind) {
    case 'first': {
      const totals = result.candidates
        .map((_, c) => c)
        .filter((c) => !stage.withdrawn.includes(c))
        .map((c) => `${label(c)} ${votesText(stage.votes[c] ?? 0)}`);
      parts.push(`First preferences: ${totals.join(', ')}`);
      if (stage.withdrawn.length > 0)
        parts.push(`Withdrawn before counting, their affiliation already at its limit: ${listing(stage.withdrawn.map(label))}`);
      if (stage.exhausted.papers > 0) parts.push(`Set aside: ${exhausted}`);
      break;
    }
    case 'surplus': {
      const from = stage.from[0] ?? 0;
      const total = votesText((stage.surplus ?? 0) + result.quota * STV_SCALE);
      parts.push(
        `Surplus of ${label(from)} (${votesText(stage.surplus ?? 0)} of ${total} votes) transferred, each paper at ${votesText(stage.surplus ?? 0)}/${total} of its value: ${flow}`,
      );
      if (stage.lostToRounding > 0) parts.push(`Lost to rounding down to five decimals: ${votesText(stage.lostToRounding)}`);
      break;
    }
    case 'exclusion': {
      const votes = votesText(result.stages[stage.stage - 2]?.votes[stage.from[0] ?? 0] ?? 0);
      const who =
        stage.from.length > 1
          ? `${listing(stage.from.map(label))} excluded (no votes)`
          : `${label(stage.from[0] ?? 0)} excluded (fewest votes: ${votes})`;
      parts.push(`${who}; papers transferred at their value: ${flow}`);
      break;
    }
    case 'withdrawal':
      parts.push(
        `${listing(stage.from.map(label))} withdrawn: their affiliation reached its limit of ${result.capLimit ?? 0}; papers transferred at their value: ${flow}`,
      );
      break;
    case 'last-vacancies':
      parts.push(`As many continuing candidates as vacancies left: ${listing(stage.elected.map(label))} elected without further transfers`);
      break;
  }
  for (const tie of stage.ties) parts.push(tieText(tie, label, result, stage));
  if (stage.kind !== 'last-vacancies' && stage.elected.length > 0) {
    parts.push(`Elected: ${listing(stage.elected.map((c) => `${label(c)} (${votesText(stage.votes[c] ?? 0)})`))}`);
  }
  return `${parts.join('. ')}.`;
}

export function stvOutcomeLines(result: StvResult, label: (i: number) => string): string[] {
  const lines: string[] = [];
  lines.push(result.winners.length > 0 ? `Elected, in order: ${listing(result.winners.map(label))}` : 'Elected: none named');
  for (const tie of result.ties) {
    lines.push(
      `Tie: ${listing(tie.candidates.map(label))} contend for ${plural(tie.seats, 'seat')}: who is elected depends on lots nobody has drawn, so no winner is named for ${tie.seats === 1 ? 'it' : 'them'}.`,
    );
    lines.push(
      '     Declare a tie-break (tie_break in election.yaml, --tie-break-seed here), or the election officers break the tie by their own rules.',
    );
  }
  const unbroken = result.lots.filter((l) => l.by === 'unbroken');
  if (unbroken.length > 0 && result.ties.length === 0)
    lines.push(`The count met ${plural(unbroken.length, 'tie')} needing a lot; every way the lots could fall elects the same candidates.`);
  if (result.vacantSeats > 0) lines.push(`${plural(result.vacantSeats, 'seat')} cannot be filled: not enough eligible candidates.`);
  return lines;
}

function ballotsLine(result: StvResult): string {
  const unusable = [
    result.empty > 0 ? `${result.empty} ranking nobody` : '',
    result.ambiguousFirst > 0 ? `${result.ambiguousFirst} with a shared first preference` : '',
  ].filter((s) => s !== '');
  return `${plural(result.ballots, 'ballot')}, ${result.valid} usable${unusable.length > 0 ? ` (not usable: ${unusable.join(', ')})` : ''}${result.truncated > 0 ? `; ${plural(result.truncated, 'ballot')} read only up to a shared rank` : ''}`;
}

export function formatStvText(result: StvResult, names?: CandidateNames): string {
  const lookup = nameLookup(result, names);
  const label = (i: number): string => printable(lookup(i));
  const lines: string[] = [];
  lines.push(
    `STV count, ${STV_VARIANT}: ${ballotsLine(result)}; ${plural(result.candidates.length, 'candidate')}, ${plural(result.seats, 'seat')}.`,
  );
  lines.push(`Quota: ${result.quota} votes (usable ballots ${result.valid} divided by seats + 1, decimals dropped, plus 1).`);
  if (result.capLimit !== null)
    lines.push(`Cap: at most ${result.capLimit} members of the body per affiliation, continuing members counted.`);
  lines.push('', ...stvOutcomeLines(result, label), '', 'Stages:');
  for (const stage of result.stages) lines.push(`  ${stage.stage}. ${describeStvStage(result, stage, label)}`);
  if (result.stages.length > 0 && result.stages.length <= 12) {
    lines.push('', 'Votes at the end of each stage:', ...table(result, label).map((row) => `  ${row}`));
  }
  return `${lines.join('\n')}\n`;
}

function table(result: StvResult, label: (i: number) => string): string[] {
  const names = result.candidates.map((_, c) => label(c));
  const width = Math.max(9, ...names.map((s) => s.length));
  const cells = result.candidates.map((_, c) => result.stages.map((s) => votesText(s.votes[c] ?? 0)));
  const colWidth = result.stages.map((s, j) => Math.max(String(s.stage).length, ...cells.map((row) => (row[j] ?? '').length)));
  const header = `${'Stage'.padEnd(width)}  ${result.stages.map((s, j) => String(s.stage).padStart(colWidth[j] ?? 0)).join('  ')}`;
  const rows = cells.map(
    (row, c) => `${(names[c] ?? '').padEnd(width)}  ${row.map((cell, j) => cell.padStart(colWidth[j] ?? 0)).join('  ')}`,
  );
  const totals = asideTotals(result);
  const extra = [
    ['Set aside', totals.map((t) => t.aside)] as const,
    ...(totals.some((t) => t.rounding > 0) ? [['Rounding', totals.map((t) => t.rounding)] as const] : []),
  ];
  const more = extra.map(
    ([title, values]) => `${title.padEnd(width)}  ${values.map((v, j) => votesText(v).padStart(colWidth[j] ?? 0)).join('  ')}`,
  );
  return [header, ...rows, ...more];
}

/** Votes set aside and lost to rounding so far, at the end of each stage: with the candidates' votes they add up to the usable ballots. */
function asideTotals(result: StvResult): { aside: number; rounding: number }[] {
  let aside = 0;
  let rounding = 0;
  return result.stages.map((s) => {
    aside += s.exhausted.votes;
    rounding += s.lostToRounding;
    return { aside, rounding };
  });
}

export function formatStvMarkdown(result: StvResult, options: { names?: CandidateNames; title?: string } = {}): string {
  const lookup = nameLookup(result, options.names);
  const label = (i: number): string => escapeMarkdown(lookup(i));
  const out: string[] = [];
  out.push(`# ${options.title === undefined ? 'Results' : `${escapeMarkdown(options.title)}: results`}`, '');
  out.push('<!-- Draft written by `scrutin tally`; review it before committing. -->', '');
  out.push(`Counted by single transferable vote, ${STV_VARIANT}.`, '');
  out.push(
    `- Seats: ${result.seats}`,
    `- Ballots: ${escapeMarkdown(ballotsLine(result))}`,
    `- Candidates: ${result.candidates.length}`,
    `- Quota: ${result.quota}`,
    '',
  );
  out.push(`## ${result.seats === 1 ? 'Winner' : 'Winners'}`, '');
  out.push(...stvOutcomeLines(result, label).map((l) => l.trim()), '');
  out.push('## Stages', '');
  for (const stage of result.stages) out.push(`${stage.stage}. ${describeStvStage(result, stage, label)}`);
  if (result.stages.length > 0) {
    out.push('', '## Votes at the end of each stage', '');
    out.push(
      `| Candidate | ${result.stages.map((s) => String(s.stage)).join(' | ')} |`,
      `|---|${result.stages.map(() => '---:').join('|')}|`,
    );
    result.candidates.forEach((_, c) => out.push(`| ${label(c)} | ${result.stages.map((s) => votesText(s.votes[c] ?? 0)).join(' | ')} |`));
    const totals = asideTotals(result);
    out.push(`| *Set aside* | ${totals.map((t) => votesText(t.aside)).join(' | ')} |`);
    if (totals.some((t) => t.rounding > 0)) out.push(`| *Lost to rounding* | ${totals.map((t) => votesText(t.rounding)).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}

export function toStvJson(result: StvResult, names?: CandidateNames) {
  const lookup = nameLookup(result, names);
  const id = (i: number): string => result.candidates[i] ?? '';
  const tie = (t: StvTieSettlement) =>
    t.by === 'earlier-stage'
      ? { candidates: t.candidates.map(id), by: t.by, stage: t.stage }
      : { candidates: t.candidates.map(id), by: t.by };
  return {
    method: 'stv' as const,
    variant: 'scottish-stv-2007',
    seats: result.seats,
    candidates: result.candidates.map((cid, i) => ({ id: cid, name: lookup(i) })),
    ballots: result.ballots,
    valid: result.valid,
    empty: result.empty,
    ambiguousFirst: result.ambiguousFirst,
    truncated: result.truncated,
    quota: result.quota,
    winners: result.winners.map(id),
    ties: result.ties.map((t) => ({ candidates: t.candidates.map(id), seats: t.seats })),
    vacantSeats: result.vacantSeats,
    capLimit: result.capLimit,
    tieBreak: result.tieBreak,
    lots: result.lots.map((l) => ({
      stage: l.stage,
      candidates: l.candidates.map(id),
      purpose: l.purpose,
      chosen: id(l.chosen),
      by: l.by,
    })),
    stages: result.stages.map((s) => ({
      stage: s.stage,
      kind: s.kind,
      from: s.from.map(id),
      surplus: s.surplus === null ? null : votesNumber(s.surplus),
      transfers: s.transfers.map((t) => ({ to: id(t.to), papers: t.papers, votes: votesNumber(t.votes) })),
      exhausted: { papers: s.exhausted.papers, votes: votesNumber(s.exhausted.votes) },
      lostToRounding: votesNumber(s.lostToRounding),
      votes: Object.fromEntries(result.candidates.map((cid, c) => [cid, votesNumber(s.votes[c] ?? 0)])),
      elected: s.elected.map(id),
      withdrawn: s.withdrawn.map(id),
      ties: s.ties.map(tie),
      text: describeStvStage(result, s, lookup),
    })),
  };
}

export function formatStvJson(result: StvResult, names?: CandidateNames): string {
  return `${JSON.stringify(toStvJson(result, names), null, 2)}\n`;
}
