// Sample ballots for the demo's completed election, so officers can see a count,
// the matrix and the download straight away. Written directly (the election is
// closed, so the voting use-case would rightly refuse), once.
import { randomUUID } from 'node:crypto';
import { NO_OPINION_RANK } from '../core/ballot/rank.js';
import type { Store } from '../storage/store.js';

/** 18 ballots under which Nimbus is the Schulze winner, as the demo's results.md says. */
const BALLOTS: Array<[number, Record<string, number>]> = [
  [6, { nimbus: 1, pixel: 2, bolt: 3, ferris: 4, otto: 5 }],
  [4, { pixel: 1, nimbus: 2, otto: 3 }],
  [3, { bolt: 1, nimbus: 2, pixel: 3, ferris: 4, otto: 5 }],
  [3, { ferris: 1, otto: 2, nimbus: 3 }],
  [2, { otto: 1, pixel: 1 }],
];

export const DEMO_COMPLETED_KEY = 'community---mascot';
const CANDIDATES = ['pixel', 'bolt', 'nimbus', 'ferris', 'otto'];
const VOTERS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'kim',
  'leo',
  'mia',
  'nils',
  'pat',
  'quinn',
  'rosa',
  'sam',
];

export async function seedDemoBallots(store: Store, window: { start: Date; end: Date }, now: Date): Promise<number> {
  const electionId = await store.elections.ensure(DEMO_COMPLETED_KEY, 'Name the Mascot', now);
  const existing = await store.db.selectFrom('voter').select('id').where('election_id', '=', electionId).executeTakeFirst();
  if (existing !== undefined) return 0;
  const ballots = BALLOTS.flatMap(([n, ranks]) => Array.from({ length: n }, () => ranks));
  const span = window.end.getTime() - window.start.getTime();
  await store.transaction(async (tx) => {
    for (const [i, ranks] of ballots.entries()) {
      const user = await tx.users.recordSignIn({ login: VOTERS[i] ?? `voter${i}`, name: null, githubId: null, now });
      // Spread the demo's turnout over the voting days, for the officers' chart.
      const at = new Date(window.start.getTime() + Math.floor((((i * 7919) % 100) / 100) * span));
      const rows = CANDIDATES.map((candidate) => ({ candidate, rank: ranks[candidate] ?? NO_OPINION_RANK }));
      await tx.ballots.cast({ userId: user.id, login: user.login, electionId, at, voterId: randomUUID(), link: null, rows });
    }
  });
  return ballots.length;
}
