// Readers and one writer of the meta checkout, across processes. With WORKERS > 1 the
// primary alone updates the checkout (git fetch and reset) and every worker reads it
// into its own snapshot: a worker must never read a tree that git is rewriting, and
// git must not rewrite one a worker is reading. Workers take a read lease through the
// primary (src/cluster/messages.ts); the primary's update takes the write side. A
// waiting writer goes before readers that come after it, so a stream of worker loads
// cannot hold a sync back for ever.
export type Release = () => void;

interface Waiter {
  kind: 'read' | 'write';
  grant: (release: Release) => void;
}

export class CheckoutGate {
  #readers = 0;
  #writing = false;
  readonly #queue: Waiter[] = [];

  /** Resolves with the release function once no update runs (or waits to run). */
  read(): Promise<Release> {
    return this.#acquire('read');
  }

  /** Runs `update` alone: after the readers before it are done, before the ones after it start. */
  async write<T>(update: () => Promise<T>): Promise<T> {
    const release = await this.#acquire('write');
    try {
      return await update();
    } finally {
      release();
    }
  }

  /** Readers holding a lease now (for tests and logs). */
  get readers(): number {
    return this.#readers;
  }

  #acquire(kind: Waiter['kind']): Promise<Release> {
    return new Promise((grant) => {
      this.#queue.push({ kind, grant });
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#queue.length > 0 && !this.#writing) {
      const next = this.#queue[0];
      if (next === undefined) return;
      if (next.kind === 'write') {
        if (this.#readers > 0) return;
        this.#queue.shift();
        this.#writing = true;
        next.grant(this.#once(() => (this.#writing = false)));
        return;
      }
      this.#queue.shift();
      this.#readers++;
      next.grant(this.#once(() => this.#readers--));
    }
  }

  /** A release that counts once however often it is called (a worker's exit releases what it held, too). */
  #once(undo: () => void): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      undo();
      this.#drain();
    };
  }
}
