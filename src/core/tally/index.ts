// The count, pure: Schulze (winning votes) over ballots of candidate → rank, approval
// and STV counts, informational alternatives, the officers' CSV, and renderings for
// terminals, JSON and results.md.
export { NO_OPINION_RANK } from '../ballot/rank.js';
export { PairwiseCounter } from './pairwise.js';
export { beatenByCounts, directLinks, fillSeats, rankGroups, strongestPaths, widestPaths, type SeatOutcome, type SeatTie } from './schulze.js';
export type { Comparison, PathEvidence } from './explain.js';
export { beats, tally, type PairwiseCounts, type TallyResult } from './tally.js';
export { BallotError, StoredBallotCount, countBallots, tallyBallots, type BallotInput, type RankValue } from './ballots.js';
export { BallotCsvError, BallotCsvParser, type BallotCsvOptions, type BallotSink, type CsvCandidate } from './csv.js';
export { CsvBallotCount, countCsv, tallyCsv, type CountedCsv } from './csvCount.js';
export type { CandidateNames } from './formatCommon.js';
export { formatJson, toTallyJson, type ComparisonJson, type PathJson, type TallyJson } from './formatJson.js';
export { escapeMarkdown, formatMarkdown, type MarkdownOptions } from './formatMarkdown.js';
export { formatText, type TextOptions } from './formatText.js';
export { ApprovalCsvParser, approvalResult, countApprovalCsv, countApprovals, type ApprovalCount, type ApprovalCsvOptions, type ApprovalResult } from './approval.js';
export { CsvRankedBallots, RankedBallotCollector, ballotsFromOrders, rankedBallots, type PreferenceList, type RankedBallots } from './rankedBallots.js';
export { STV_SCALE, countStv, runStv, type StvOptions, type StvResult, type StvStage } from './stv.js';
export { countIrv, type IrvResult, type IrvRound } from './irv.js';
export { rankedPairs, type RankedPair, type RankedPairsResult } from './rankedPairs.js';
export { TooManyLotsError, drawChooser, everyLot, type LotChooser } from './lots.js';
export { alternatives, alternativesJson, describeAlternatives, type Alternatives } from './alternatives.js';
export { formatApprovalJson, formatApprovalMarkdown, formatApprovalText, seatingJson, toApprovalJson } from './formatApproval.js';
export { STV_VARIANT, describeStvStage, formatStvJson, formatStvMarkdown, formatStvText, toStvJson, votesText } from './formatStv.js';
