// `delete_after`: the voter–ballot links of an election are erased once it has closed.
// The close timer (watchCloses in ../eraseLinks.ts) schedules that for the end of each
// election; it waits a grace period for casts still committing, and retries after a
// failure. A ballot request that arrives before it has run must not see links the
// election's rules say are gone, so the ballot service asks here first: the erasure
// runs on the first such request in this process, shared by the ones arriving
// meanwhile, and is remembered once done.
import type { Election } from '../../core/meta/types.js';
import { eraseLinks, erasureDue } from '../eraseLinks.js';
import type { Clock, Log, Store } from '../ports.js';

export class LinkErasure {
  /** Elections whose links this process knows to be erased. */
  readonly #erased = new Set<string>();
  /** Erasures in progress, by election key. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(private readonly ports: { store: Store; log: Log; clock: Clock }) {}

  /** Erases the election's links first if they are due and not known to be gone. */
  async beforeUse(election: Election): Promise<void> {
    const { store, log, clock } = this.ports;
    if (!election.deleteAfter || this.#erased.has(election.key) || !erasureDue(election, clock())) return;
    let running = this.#running.get(election.key);
    if (running === undefined) {
      running = eraseLinks({ store, log, now: clock() }, election)
        .then((outcome) => {
          if (outcome.status !== 'not-due') this.#erased.add(election.key);
        })
        .catch((error: unknown) => {
          // The request goes on (a view is refused after the end of such an election
          // anyway); the next one tries again.
          log.error({ election: election.key, err: error }, 'delete_after: erasing the voter–ballot links failed');
        })
        .finally(() => this.#running.delete(election.key));
      this.#running.set(election.key, running);
    }
    await running;
  }
}
