// Records the database keeps that several layers hand on: the storage returns them, the
// use-cases pass them through, the pages show them. Declared once, below all three.

/** An officer's decision on an exception request. */
export type RequestDecision = 'approved' | 'denied';

/** An exception request (SPEC §5): Elekto's columns plus Scrutin's decision. */
export interface ExceptionRequest {
  id: number;
  userId: number;
  electionId: number;
  /** The requester's GitHub login (from the user table). */
  login: string;
  name: string;
  email: string;
  chat: string;
  description: string;
  comments: string;
  /** Elekto's flag: an officer has looked at it. */
  reviewed: boolean;
  createdAt: Date | null;
  /** null while pending. */
  decision: RequestDecision | null;
  decisionNote: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** One line of the audit trail of officer actions and syncs. */
export interface AuditEntry {
  id: number;
  at: Date;
  electionKey: string | null;
  actor: string | null;
  action: string;
  detail: string | null;
}
