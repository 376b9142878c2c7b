// Migration 4: identity hardening (issue 14).
//
// voter.login: the normalised GitHub login a ballot was cast under, unique per election
// alongside voter(election_id, user_id). Eligibility is by login, but users are GitHub
// accounts (by id) and logins can be renamed and re-registered: without this, an
// account that voted as `u5`, renamed itself and let someone else take `u5` would give
// that login a second ballot. The login lives on the voter row, which already names
// the user; ballot rows stay anonymous.
//
// Existing voter rows get the login their user has now (the best record of the login
// at cast time: every sign-in refreshes it). Where two voter rows of one election would
// get the same login (two accounts that held it, cast before this migration), the
// earliest row (lowest id) records the login and the others keep NULL: no ballot is
// deleted, every one is still counted, and each such case is written to the audit
// trail so the officers see it.
//
// user.session_generation: bumped to end every session of an account (sign-out, "sign
// out everywhere", a login taken over by another account); sessions carry the value
// they were issued with. NOT NULL DEFAULT 0, so Elekto can still insert users.
import { sql, type Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { normalizeLogin } from '../../core/meta/types.js';
import { toDbTime } from '../time.js';
import { createIndex, exec, tableColumns, types, type AnyDb } from './util.js';

interface VoterLoginRow {
  id: number;
  election_id: number | null;
  username: string | null;
}

interface Duplicate {
  electionId: number;
  login: string;
  keptVoterId: number;
  otherVoterIds: number[];
}

const BATCH = 200;

/** Fills voter.login where it is NULL; returns the logins that more than one row would take. */
async function backfillLogins(db: AnyDb, kind: DbKind): Promise<Duplicate[]> {
  const q = types(kind).quote;
  const recorded = await sql<{
    election_id: number;
    login: string;
    id: number;
  }>`select election_id, login, id from voter where login is not null and election_id is not null`.execute(db);
  const holders = new Map<string, Duplicate>();
  for (const r of recorded.rows)
    holders.set(`${r.election_id}|${r.login}`, { electionId: r.election_id, login: r.login, keptVoterId: r.id, otherVoterIds: [] });
  const pending = await sql<VoterLoginRow>`
    select v.id, v.election_id, u.username
    from voter v left join ${sql.raw(q('user'))} u on u.id = v.user_id
    where v.login is null
    order by v.id`.execute(db);
  const assign: Array<{ id: number; login: string }> = [];
  for (const r of pending.rows) {
    if (r.election_id === null || r.username === null) continue;
    const login = normalizeLogin(r.username);
    if (login === '') continue;
    const key = `${r.election_id}|${login}`;
    const holder = holders.get(key);
    if (holder !== undefined) {
      holder.otherVoterIds.push(r.id);
      continue;
    }
    holders.set(key, { electionId: r.election_id, login, keptVoterId: r.id, otherVoterIds: [] });
    assign.push({ id: r.id, login });
  }
  for (let i = 0; i < assign.length; i += BATCH) {
    const chunk = assign.slice(i, i + BATCH);
    const cases = sql.join(
      chunk.map((a) => sql`when ${a.id} then ${a.login}`),
      sql` `,
    );
    await sql`update voter set login = case id ${cases} end where id in (${sql.join(chunk.map((a) => a.id))})`.execute(db);
  }
  return [...holders.values()].filter((h) => h.otherVoterIds.length > 0);
}

async function auditDuplicates(db: AnyDb, kind: DbKind, duplicates: Duplicate[]): Promise<void> {
  if (duplicates.length === 0) return;
  const q = types(kind).quote;
  const keys = await sql<{ id: number; key: string }>`select id, ${sql.raw(q('key'))} as ${sql.raw(q('key'))} from election`.execute(db);
  const keyOf = new Map(keys.rows.map((r) => [r.id, r.key]));
  const at = toDbTime(new Date());
  for (const d of duplicates) {
    const n = d.otherVoterIds.length + 1;
    const detail =
      `${n} ballots were cast under the login ${d.login} before Scrutin recorded the login of each ballot ` +
      `(GitHub accounts that held this login in turn). All ${n} are kept and counted; the earliest (voter row #${d.keptVoterId}) holds the login, ` +
      `the others (voter rows #${d.otherVoterIds.join(', #')}) are recorded without one. Nobody can cast another ballot under ${d.login} in this election.`;
    await sql`insert into scrutin_audit (at, election_key, actor, action, detail) values (${at}, ${keyOf.get(d.electionId) ?? null}, ${null}, ${'ballots.login-shared'}, ${detail})`.execute(
      db,
    );
  }
}

export function voterLoginAndSessions(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const t = types(kind);
      const columns = await tableColumns(db);
      if (!(columns.get('voter')?.has('login') ?? false)) await exec(db, 'ALTER TABLE voter ADD COLUMN login VARCHAR(255)');
      if (!(columns.get('user')?.has('session_generation') ?? false)) {
        await exec(db, `ALTER TABLE ${t.quote('user')} ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0`);
      }
      // Every step checks before it acts (MySQL commits DDL as it goes): rows that
      // already have a login keep it, so a second run assigns nothing twice.
      const duplicates = await backfillLogins(db, kind);
      await createIndex(db, kind, 'voter_election_login_unique', 'voter', ['election_id', 'login'], true);
      await auditDuplicates(db, kind, duplicates);
    },
  };
}
