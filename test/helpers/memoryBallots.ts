// TEST DOUBLE — not the real ballot service. An in-memory BallotService that keeps
// the contract of src/app/ballotService.ts (window, eligibility, ranks 1..N, no
// opinion, abstention confirmation, passphrase length, attempts) so the vote routes
// and the browser tests can run before and apart from src/app/ballots.ts. It stores
// plain passphrases and links voters to ballots in memory: it has none of the real
// service's secrecy and must never be wired into a running server.
import type { BallotService, CastOutcome, CastRequest, ChoiceView, OpenOutcome, PassphraseRequest, VoterStatus } from '../../src/app/ballotService.js';
import { phaseAt } from '../../src/core/election/phase.js';
import type { CatalogueReader } from '../../src/http/context.js';
import { isEligible } from '../../src/policies/election.js';

const NO_OPINION = new Set(['', '100000000', 'no-opinion']);

interface Stored {
  choices: ChoiceView[];
  passphrase: string;
}

export interface MemoryBallotsOptions {
  catalogue: CatalogueReader;
  clock: () => Date;
  minPasscodeLength: number;
  attempts?: { max: number; windowMinutes: number };
}

export class MemoryBallots implements BallotService {
  /** `${userId}|${key}` → the ballot. Public so tests can look. */
  readonly ballots = new Map<string, Stored>();
  private readonly attempts = new Map<string, number[]>();
  readonly attemptLimit: { max: number; windowMinutes: number };
  /** How many casts were stored, to check that refusals change nothing. */
  castCount = 0;

  constructor(private readonly options: MemoryBallotsOptions) {
    this.attemptLimit = options.attempts ?? { max: 5, windowMinutes: 15 };
  }

  private election(key: string) {
    const entry = this.options.catalogue.current().entries.get(key);
    return entry?.ok === true ? entry.election : null;
  }

  cast(request: CastRequest): Promise<CastOutcome> {
    return Promise.resolve(this.castNow(request));
  }

  private castNow({ user, electionKey, fields, passphrase, confirmAbstention }: CastRequest): CastOutcome {
    const election = this.election(electionKey);
    if (election === null) return { ok: false, kind: 'refused', status: 404, message: 'There is no such election.' };
    const phase = phaseAt(election, this.options.clock());
    if (phase !== 'running') return { ok: false, kind: 'refused', status: 403, message: phase === 'upcoming' ? 'Voting has not started yet.' : 'Voting has closed.' };
    if (!isEligible(election, user.login)) return { ok: false, kind: 'refused', status: 403, message: 'You are not on the list of eligible voters.' };
    const id = `${user.id}|${electionKey}`;
    if (this.ballots.has(id)) return { ok: false, kind: 'refused', status: 409, message: 'You have already voted in this election.' };

    const n = election.candidates.length;
    const fieldErrors: Record<string, string> = {};
    const known = new Set(election.candidates.map((c) => `candidate@${c.id}`));
    for (const name of Object.keys(fields)) {
      if (name.startsWith('candidate@') && !known.has(name)) fieldErrors[name] = 'Not a candidate in this election.';
    }
    const choices: ChoiceView[] = [];
    for (const c of election.candidates) {
      const field = `candidate@${c.id}`;
      const raw = fields[field];
      if (raw === undefined) {
        fieldErrors[field] = `Choose a rank for ${c.name}.`;
        continue;
      }
      if (NO_OPINION.has(raw.trim())) {
        if (!election.allowNoOpinion) fieldErrors[field] = `Choose a rank for ${c.name}: this election asks you to rank every candidate.`;
        choices.push({ candidateId: c.id, name: c.name, rank: null });
        continue;
      }
      const rank = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isInteger(rank) || rank < 1 || rank > n) {
        fieldErrors[field] = `The rank for ${c.name} must be a whole number from 1 to ${n}.`;
        continue;
      }
      choices.push({ candidateId: c.id, name: c.name, rank });
    }
    if (passphrase !== '' && Array.from(passphrase).length < this.options.minPasscodeLength) {
      fieldErrors.password = `A passphrase needs at least ${this.options.minPasscodeLength} characters (or leave it empty).`;
    }
    if (Object.keys(fieldErrors).length > 0) {
      return { ok: false, kind: 'invalid', status: 400, message: 'Some choices on your ballot need fixing.', fieldErrors, needsAbstentionConfirmation: false };
    }
    const distinct = new Set(choices.map((c) => c.rank).filter((r) => r !== null));
    const abstention = distinct.size < 2;
    if (abstention && !confirmAbstention) {
      return { ok: false, kind: 'invalid', status: 400, message: 'This ballot expresses no preference between candidates.', fieldErrors: {}, needsAbstentionConfirmation: true };
    }
    this.ballots.set(id, { choices, passphrase });
    this.castCount += 1;
    return { ok: true, abstention };
  }

  private open(request: PassphraseRequest, action: 'view' | 'revoke'): OpenOutcome {
    const election = this.election(request.electionKey);
    if (election === null) return { ok: false, kind: 'refused', status: 404, message: 'There is no such election.' };
    const id = `${request.user.id}|${request.electionKey}`;
    const stored = this.ballots.get(id);
    if (stored === undefined) return { ok: false, kind: 'refused', status: 409, message: 'You have not voted in this election.' };
    if (action === 'revoke' && phaseAt(election, this.options.clock()) !== 'running') {
      return { ok: false, kind: 'refused', status: 403, message: 'Voting has closed: ballots can no longer be revoked.' };
    }
    if (stored.passphrase === '') return { ok: false, kind: 'refused', status: 409, message: 'You cast this ballot without a passphrase, so nobody can open it, including you.' };
    const now = this.options.clock().getTime();
    const windowMs = this.attemptLimit.windowMinutes * 60_000;
    const recent = (this.attempts.get(id) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= this.attemptLimit.max) {
      const retryAfterSeconds = Math.ceil((windowMs - (now - (recent[0] ?? now))) / 1000);
      return { ok: false, kind: 'rate-limited', status: 429, message: `Too many passphrase attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, retryAfterSeconds };
    }
    if (request.passphrase !== stored.passphrase) {
      recent.push(now);
      this.attempts.set(id, recent);
      const left = this.attemptLimit.max - recent.length;
      return { ok: false, kind: 'wrong-passphrase', status: 403, message: `That passphrase does not open this ballot. You have ${left} of ${this.attemptLimit.max} attempts left.`, attemptsLeft: left };
    }
    if (action === 'revoke') this.ballots.delete(id);
    return { ok: true, choices: stored.choices.map((c) => ({ ...c })) };
  }

  view(request: PassphraseRequest): Promise<OpenOutcome> {
    return Promise.resolve(this.open(request, 'view'));
  }

  revoke(request: PassphraseRequest): Promise<OpenOutcome> {
    return Promise.resolve(this.open(request, 'revoke'));
  }

  status(user: { id: number }, electionKey: string): Promise<VoterStatus> {
    const stored = this.ballots.get(`${user.id}|${electionKey}`);
    return Promise.resolve({ voted: stored !== undefined, hasPassphrase: stored !== undefined && stored.passphrase !== '', linksErased: false, loginTaken: false });
  }

  votedKeys(userId: number): Promise<Set<string>> {
    const prefix = `${userId}|`;
    return Promise.resolve(new Set([...this.ballots.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))));
  }
}
