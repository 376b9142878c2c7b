// The shapes of a parsed meta repository. Everything the pages, the policies and the
// count know about an election comes from these values; they are produced once per
// sync by the parser in src/core/meta and never read from disk by a request.
import type { GovernanceRules } from '../governance/rules.js';

/** A problem found in a meta file: where, and what is wrong. Never thrown. */
export interface Problem {
  /** Path relative to the meta repository root, e.g. `elections/2021/GB/election.yaml`. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
  /** Errors make an election unavailable; warnings are shown to officers and `validate`. */
  severity: 'error' | 'warning';
  /**
   * The kind of problem, for tools and tests (`candidate-id-mismatch`, `voter-not-login`…);
   * the kinds Elekto tolerated are listed in docs/meta-repository.md.
   */
  code?: string;
}

export interface CandidateField {
  key: string;
  value: string;
}

export interface Candidate {
  /**
   * The `ID` from the header, which is what ballots record (as in Elekto); normally
   * equal to the `<ID>` in `candidate-<ID>.md`.
   */
  id: string;
  /** The `<ID>` in the file name, when it differs from `id`: the profile answers to both. */
  fileId?: string;
  name: string;
  /** Every `info` entry in file order, values as text. */
  info: CandidateField[];
  /** Bio as written (Markdown). Empty string when there is none. */
  bioMarkdown: string;
  /** Bio rendered and sanitised, safe to insert into a page. */
  bioHtml: string;
  /** Path relative to the repository root. */
  file: string;
}

export interface Election {
  /** Folder path relative to ELECTION_DIR with `/` replaced by `---`. */
  key: string;
  /** Folder path relative to the repository root. */
  dir: string;
  name: string;
  organization: string | null;
  startDatetime: Date;
  endDatetime: Date;
  /** `exception_due` (or `exceptions_due`), defaulting to `startDatetime`. */
  exceptionDue: Date;
  noWinners: number;
  allowNoOpinion: boolean;
  deleteAfter: boolean;
  /** `show_candidate_fields`; empty when null or missing. */
  showCandidateFields: string[];
  /** `ballot_receipts` (SPEC §10): each ballot gets a receipt code, published with the ballots. */
  ballotReceipts: boolean;
  /** Officer logins as written. Compare them through `normalizeLogin`. */
  officers: string[];
  /** Eligible voter logins as written, duplicates removed (case-insensitively). */
  voters: string[];
  /** Lower-cased voter logins for O(1) eligibility checks. */
  voterSet: ReadonlySet<string>;
  /** Lower-cased officer logins. */
  officerSet: ReadonlySet<string>;
  eligibilityHtml: string;
  exceptionDescriptionHtml: string;
  descriptionHtml: string;
  /** `results.md` rendered, or null when the file does not exist. */
  resultsHtml: string | null;
  /** Candidates sorted by ID (a stable order; pages shuffle per voter). */
  candidates: Candidate[];
  /**
   * The governance keys of SPEC §10 (ballot method, seat cap, tie-break); Elekto's
   * defaults (Schulze, no cap, no tie-break) when election.yaml has none of them.
   */
  rules: GovernanceRules;
  /** Warnings only (an election with errors is not an `Election`). */
  warnings: Problem[];
}

/** One folder holding `election.yaml`, whether or not it parsed. */
export type ElectionEntry =
  | { key: string; dir: string; ok: true; election: Election; problems: Problem[] }
  | {
      key: string;
      dir: string;
      ok: false;
      /** What could be read, so officers can still be recognised and the list can name it. */
      name: string | null;
      officerSet: ReadonlySet<string>;
      problems: Problem[];
    };

/** An immutable view of the whole meta repository at one revision. */
export interface MetaSnapshot {
  /** Git commit the snapshot was read from, or null for a folder that is not a repository. */
  revision: string | null;
  /** When the snapshot was built. */
  loadedAt: Date;
  /** Every election folder, keyed by election key. */
  entries: ReadonlyMap<string, ElectionEntry>;
  /** Problems that belong to no single election (a missing ELECTION_DIR, say). */
  problems: Problem[];
}

/** GitHub logins compare case-insensitively. */
export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}
