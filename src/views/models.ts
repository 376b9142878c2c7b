// What the pages show, declared here so the views depend on nothing below the use-cases:
// records from the database reach a page as these shapes (the storage's own records fit
// them as they are, and the compiler says so where they would stop fitting).

/** An exception request, as the requester's status page and the officers' pages show it. */
export interface ExceptionRequestView {
  id: number;
  userId: number;
  /** The requester's GitHub login. */
  login: string;
  name: string;
  email: string;
  chat: string;
  description: string;
  comments: string;
  createdAt: Date | null;
  /** null while pending. */
  decision: 'approved' | 'denied' | null;
  decisionNote: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** One line of the audit trail. */
export interface AuditLine {
  at: Date;
  actor: string | null;
  action: string;
  detail: string | null;
}

/** Where a paged list is. */
export interface Pagination {
  page: number;
  pages: number;
  total: number;
}
