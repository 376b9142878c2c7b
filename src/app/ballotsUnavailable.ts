// Stand-in until the ballot use-cases are wired: every write is refused clearly.
import type { BallotService } from './ballotService.js';

const refusal = { ok: false, kind: 'refused', status: 409, message: 'Voting is not available on this server yet.' } as const;

export const unavailableBallots: BallotService = {
  cast: () => Promise.resolve(refusal),
  view: () => Promise.resolve(refusal),
  revoke: () => Promise.resolve(refusal),
  status: () => Promise.resolve({ voted: false, hasPassphrase: false, linksErased: false, loginTaken: false }),
  votedKeys: () => Promise.resolve(new Set<string>()),
  attemptLimit: { max: 5, windowMinutes: 15 },
};
