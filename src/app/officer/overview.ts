// What the officer area shows about one election, gathered in one place: turnout by
// login (never how anyone voted), votes per day, the exception requests and the
// audit trail. An election whose files do not parse still has its requests and trail.
import type { ElectionEntry } from '../../core/meta/types.js';
import { CSV_EOL, csvCell } from '../../core/officer/ballotsCsv.js';
import { fillDays, turnoutOf, type DayCount, type Turnout } from '../../core/officer/turnout.js';
import type { PageOf } from '../../core/paging.js';
import type { AuditEntry } from '../../core/records.js';
import type { VotedLogins } from '../../storage/officer.js';
import type { ExceptionRequest } from '../../core/records.js';
import type { Store } from '../../storage/store.js';

export interface OfficerOverview {
  /** null for an election whose files do not parse (no voter list to compare with). */
  turnout: Turnout | null;
  days: DayCount[];
  /** Votes whose time was never recorded (counted in the turnout, not in the chart). */
  undatedVotes: number;
  /** Ballots cast under a login whose account has been renamed since (see VotedLogins). */
  renamed: VotedLogins['renamed'];
  requests: ExceptionRequest[];
  /** The page asked for of this election's audit trail, newest first. */
  audit: PageOf<AuditEntry>;
  /** The page asked for of the syncs of the meta repository (they belong to no one election), newest first. */
  syncs: PageOf<AuditEntry>;
}

/** Entries a page of the audit trail, and of the syncs under it. */
export const AUDIT_PER_PAGE = 50;
export const SYNCS_PER_PAGE = 10;

/** Which page of the audit trail and of the syncs to read (1-based; a page past the end is the last). */
export interface AuditPages {
  audit: number;
  syncs: number;
}

export async function officerOverview(store: Store, entry: ElectionEntry, now: Date, pages: AuditPages): Promise<OfficerOverview> {
  const row = await store.elections.findByKey(entry.key);
  const [voted, daily, requests, audit, syncs] = await Promise.all([
    row === null ? { logins: [], withoutLogin: 0, renamed: [] } : store.officer.votedLogins(row.id),
    row === null ? { days: [], undated: 0 } : store.officer.votesPerDay(row.id),
    row === null ? [] : store.requests.listByElection(row.id),
    store.audit.page({ electionKey: entry.key, page: pages.audit, size: AUDIT_PER_PAGE }),
    store.audit.page({ electionKey: null, page: pages.syncs, size: SYNCS_PER_PAGE }),
  ]);
  if (!entry.ok) return { turnout: null, days: [], undatedVotes: daily.undated, renamed: voted.renamed, requests, audit, syncs };
  const e = entry.election;
  return {
    turnout: turnoutOf(e.voters, voted.logins, voted.withoutLogin),
    days: fillDays(daily.days, e.startDatetime, e.endDatetime, now),
    undatedVotes: daily.undated,
    renamed: voted.renamed,
    requests,
    audit,
    syncs,
  };
}

/**
 * The voter list with who has voted, for reminders: `login,voted` with yes/no. A
 * voters.yaml entry is whatever someone committed, so it is quoted as needed and
 * never left to start a spreadsheet formula.
 */
export function votersCsv(turnout: Turnout): string {
  const lines = [
    'login,voted',
    ...[...turnout.lines].sort((a, b) => a.login.localeCompare(b.login)).map((l) => `${csvCell(l.login)},${l.voted ? 'yes' : 'no'}`),
  ];
  return lines.join(CSV_EOL) + CSV_EOL;
}
