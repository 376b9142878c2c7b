// A test stand-in for src/metarepo/loadWorker.ts: the real worker code (the same
// serveLoadRequests), plus hooks a test drives through the request's `data` — hold
// the worker on one folder until the test releases it (or forever), make it throw,
// or make it run out of memory — so the time limit, the crash handling and the
// server's responsiveness while the worker parses can be tested without timing.
import { parentPort } from 'node:worker_threads';
import { serveLoadRequests } from '../../src/metarepo/load.js';

export interface HoldData {
  /** Election key to act on. */
  key: string;
  action: 'hold' | 'throw' | 'exhaust-memory';
  /** For hold: [0] set to 1 by the test releases the worker; [1] is set to 1 by the worker while it holds. */
  gate?: SharedArrayBuffer;
}

if (parentPort !== null) {
  serveLoadRequests(parentPort, {
    beforeParse: (ref, data) => {
      const hold = data as HoldData | undefined;
      if (hold?.key !== ref.key) return;
      if (hold.action === 'throw') throw new Error(`test worker broke on ${ref.key}`);
      if (hold.action === 'exhaust-memory') {
        const keep: string[][] = [];
        for (;;) keep.push(Array.from({ length: 100_000 }, (_, i) => `${ref.key}-${i}-${keep.length}`));
      }
      if (hold.gate !== undefined) {
        const gate = new Int32Array(hold.gate);
        Atomics.store(gate, 1, 1);
        while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);
        Atomics.store(gate, 1, 0);
      }
    },
  });
}
