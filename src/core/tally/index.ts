// The count, pure: Schulze (winning votes) over ballots of candidate → rank, approval
// and STV counts, informational alternatives, the officers' CSV, and renderings for
// terminals, JSON and results.md.
export { NO_OPINION_RANK } from '../ballot/rank.js';
export { PairwiseCounter } from './pairwise.js';
export { fillSeats } from './schulze.js';
export type { Comparison, PathEvidence } from './explain.js';
export { beats, tally, type TallyResult } from './tally.js';
export { StoredBallotCount, countBallots, tallyBallots } from './ballots.js';
export { BallotCsvError } from './csv.js';
export { CsvBallotCount, countCsv, tallyCsv } from './csvCount.js';
export { formatJson, toTallyJson } from './formatJson.js';
export { escapeMarkdown, formatMarkdown } from './formatMarkdown.js';
export { formatText } from './formatText.js';
export { ApprovalCsvParser, approvalResult, countApprovalCsv, countApprovals } from './approval.js';
export { CsvRankedBallots, ballotsFromOrders, rankedBallots, type RankedBallots } from './rankedBallots.js';
export { STV_SCALE, countStv, type StvResult } from './stv.js';
export { countIrv } from './irv.js';
export { rankedPairs } from './rankedPairs.js';
export { TooManyLotsError } from './lots.js';
export { alternatives, alternativesJson, describeAlternatives } from './alternatives.js';
export { formatApprovalJson, formatApprovalMarkdown, formatApprovalText, seatingJson } from './formatApproval.js';
export { formatStvJson, formatStvMarkdown, formatStvText, votesText } from './formatStv.js';
