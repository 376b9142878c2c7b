// Table types for Kysely. The first five tables and their columns are Elekto's
// (names kept so an Elekto database is adopted in place); the columns marked
// "Scrutin" were added by our migrations and are all nullable or defaulted, so
// Elekto itself can still run on a database Scrutin has upgraded (rollback).
import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written as UTC text and read back as whatever the driver gives; see time.ts. */
export type Timestamp = ColumnType<Date | string, string, string>;
export type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
/** Binary columns: Buffer on every driver. */
export type Binary = ColumnType<Buffer | Uint8Array | null, Buffer | null, Buffer | null>;

export interface UserTable {
  id: Generated<number>;
  username: string | null;
  name: string | null;
  /** Elekto kept the GitHub token here; Scrutin never writes it and clears it on sign-in. */
  token: string | null;
  token_expires_at: NullableTimestamp;
  created_at: NullableTimestamp;
  updated_at: NullableTimestamp;
  /** Scrutin: GitHub's numeric account id, so a renamed account stays the same user. */
  github_id: ColumnType<string | number | null, string | null, string | null>;
  /** Scrutin: sessions issued before the last bump are refused (sign-out ends every copy). */
  session_generation: Generated<number>;
}

/** Scrutin: a community key; '' is the one community of a deployment without COMMUNITIES. */
export type CommunityColumn = ColumnType<string, string | undefined, string>;

export interface ElectionTable {
  id: Generated<number>;
  /** Scrutin (migration 8): the community the election belongs to; the key is unique within it. */
  community: CommunityColumn;
  key: string;
  name: string | null;
  created_at: NullableTimestamp;
  updated_at: NullableTimestamp;
  /** Scrutin: set when the folder disappeared from the meta repository (data kept). */
  orphaned_at: NullableTimestamp;
  /** Scrutin: set once `delete_after` erased the voter→ballot links. */
  links_erased_at: NullableTimestamp;
}

export interface VoterTable {
  id: Generated<number>;
  user_id: number | null;
  election_id: number | null;
  created_at: NullableTimestamp;
  updated_at: NullableTimestamp;
  /** 16-byte KDF salt; NULL when the voter chose no passphrase. */
  salt: Binary;
  /** The ballot's voter identifier sealed with the passphrase (nonce ‖ tag ‖ ciphertext). */
  ballot_id: Binary;
  /** Scrutin: KDF parameters of this record; NULL means Elekto's (argon2i, ops 8, 512 MiB). */
  kdf: string | null;
  /**
   * Scrutin: the normalised login the ballot was cast under; unique per election, so a
   * login re-registered by another GitHub account cannot vote twice. NULL on rows cast
   * before it was recorded (Elekto, or a second account of a login, see migration 0004).
   */
  login: string | null;
}

export interface BallotTable {
  /** 32 hex characters. */
  id: string;
  election_id: number | null;
  /** 1 = most preferred; 100000000 = no opinion (Elekto's sentinel). */
  rank: number | null;
  candidate: string;
  /** Random identifier shared by the rows of one ballot; never the user. */
  voter: string;
  /** Scrutin: the ballot's receipt code (`ballot_receipts`), on every row of the ballot; NULL without. */
  receipt: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RequestTable {
  id: Generated<number>;
  user_id: number | null;
  election_id: number | null;
  name: string | null;
  email: string | null;
  chat: string | null;
  description: string | null;
  comments: string | null;
  reviewed: ColumnType<boolean | number | null, boolean | null, boolean | null>;
  created_at: NullableTimestamp;
  updated_at: NullableTimestamp;
  /** Scrutin: 'approved' | 'denied'; NULL while pending. */
  decision: string | null;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface SchemaVersionTable {
  version: number;
}

/** Scrutin: small shared settings (the generated APP_KEY, the synced meta revision). */
export interface SettingTable {
  name: string;
  value: string;
  updated_at: Timestamp;
}

/** Scrutin: append-only record of officer actions and syncs. Never who cast which ballot. */
export interface AuditTable {
  id: Generated<number>;
  at: Timestamp;
  /** Scrutin (migration 8): whose entry it is; officers of one community see only theirs. */
  community: CommunityColumn;
  election_key: string | null;
  actor: string | null;
  action: string;
  detail: string | null;
}

/** Scrutin: passphrase attempts, for the per-user, per-election rate limit across replicas. */
export interface PassphraseAttemptTable {
  id: Generated<number>;
  user_id: number;
  election_id: number;
  attempted_at: Timestamp;
}

/** Scrutin: GitHub webhook deliveries already acted on (X-GitHub-Delivery), kept a week. */
export interface WebhookDeliveryTable {
  delivery_id: string;
  received_at: Timestamp;
}

/** Scrutin: the computed result an election's officers published, with the exact ballots CSV. */
export interface PublicationTable {
  election_id: number;
  published_at: Timestamp;
  published_by: string;
  ballots: number;
  ballots_csv: string;
  ballots_sha256: string;
}

export interface Database {
  user: UserTable;
  election: ElectionTable;
  voter: VoterTable;
  ballot: BallotTable;
  request: RequestTable;
  schema_version: SchemaVersionTable;
  scrutin_setting: SettingTable;
  scrutin_audit: AuditTable;
  scrutin_passphrase_attempt: PassphraseAttemptTable;
  scrutin_webhook_delivery: WebhookDeliveryTable;
  scrutin_publication: PublicationTable;
}
