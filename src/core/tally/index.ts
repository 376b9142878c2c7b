// The count, pure: Schulze (winning votes) over ballots of candidate → rank, the
// officers' CSV, and renderings of the result for terminals, JSON and results.md.
export { NO_OPINION_RANK, PairwiseCounter } from './pairwise.js';
export { beatenByCounts, directLinks, fillSeats, rankGroups, strongestPaths, type SeatOutcome, type SeatTie } from './schulze.js';
export type { Comparison, PathEvidence } from './explain.js';
export { beats, tally, type TallyResult } from './tally.js';
export { BallotError, countBallots, countStoredBallots, tallyBallots, type BallotInput, type RankValue, type StoredBallotRow } from './ballots.js';
export { BallotCsvError, BallotCsvParser, type BallotCsvOptions, type BallotSink, type CsvCandidate } from './csv.js';
export { CsvBallotCount, countCsv, tallyCsv, type CountedCsv } from './csvCount.js';
export type { CandidateNames } from './formatCommon.js';
export { formatJson, toTallyJson, type ComparisonJson, type PathJson, type TallyJson } from './formatJson.js';
export { escapeMarkdown, formatMarkdown, type MarkdownOptions } from './formatMarkdown.js';
export { formatText } from './formatText.js';
