// One piece of work at a time per key, in arrival order, in this process. The ballot
// service queues each user's requests for one election here, so a double-clicked form
// does not start two multi-second key derivations; across replicas the database
// constraints still decide. Keys with nothing queued are forgotten (bounded memory).

export class KeyedQueue {
  /** Per key: the tail of its queue. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier piece of work for `key` has settled. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with work queued or running (tests check that nothing is left behind). */
  get size(): number {
    return this.#tails.size;
  }
}
