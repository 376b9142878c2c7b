// The derivation throttle of a cluster: the primary's InstanceDerivations counts for
// every worker, and each worker's limiter asks it. Here two workers' limiters talk to
// one primary through the same message parsers as the real IPC channel; a primary that
// does not answer leaves the worker with its local share of the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DerivationLimiter, ThrottleAnswer } from '../../src/app/ballots/derivationThrottle.js';
import { derivationsOverIpc, InstanceDerivations, type DerivationsOverIpc } from '../../src/cluster/derivations.js';
import { toPrimary, toWorker, type ToPrimary } from '../../src/cluster/messages.js';

const limit = { max: 4, windowMinutes: 15 };
const now = new Date('2026-01-10T12:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

/** Two workers and a primary, with messages passed (as JSON, as over IPC) after a microtask. */
function instance(): { workers: DerivationsOverIpc[]; primary: InstanceDerivations; sent: ToPrimary[] } {
  const primary = new InstanceDerivations();
  const sent: ToPrimary[] = [];
  const workers: DerivationsOverIpc[] = [];
  for (let i = 0; i < 2; i++) {
    const send = (raw: ToPrimary): void => {
      const message = toPrimary(JSON.parse(JSON.stringify(raw)));
      assert.ok(message !== null, `a valid message: ${JSON.stringify(raw)}`);
      sent.push(message);
      queueMicrotask(() => {
        if (message.scrutin === 'derive-take') {
          const { scrutin: _s, id, ...place } = message;
          const answer = toWorker(JSON.parse(JSON.stringify(primary.take(id, place))));
          if (answer?.scrutin === 'derive-answer') workers[i]?.answered(answer);
        } else if (message.scrutin === 'derive-give') {
          const { scrutin: _s, ...place } = message;
          primary.giveBack(place);
        }
      });
    };
    workers.push(derivationsOverIpc({ send, workers: 2 }));
  }
  return { workers, primary, sent };
}

const kind = (a: ThrottleAnswer) => (a.ok ? 'ok' : `refused ${String(a.retryAfterSeconds)}s`);

test('the (max+1)th derivation is refused though the requests alternate between workers', async () => {
  const { workers } = instance();
  const limiters: DerivationLimiter[] = workers.map((w) => w.limiter(limit, null));
  const answers: string[] = [];
  for (let i = 0; i < 6; i++) answers.push(kind(await limiters[i % 2]!.take('7|2026---live', minutes(i))));
  assert.deepEqual(answers, ['ok', 'ok', 'ok', 'ok', 'refused 660s', 'refused 600s']);
  // Another voter, and the same voter in another election or community, count apart.
  assert.equal(kind(await limiters[0]!.take('8|2026---live', minutes(6))), 'ok');
  assert.equal(kind(await limiters[1]!.take('7|2026---other', minutes(6))), 'ok');
  assert.equal(kind(await workers[0]!.limiter(limit, 'k8s').take('7|2026---live', minutes(6))), 'ok');
  // Once the first derivation has left the window, one more place.
  assert.equal(kind(await limiters[1]!.take('7|2026---live', minutes(15.01))), 'ok');
  assert.equal(kind(await limiters[0]!.take('7|2026---live', minutes(15.02))), 'refused 59s');
});

test('a place given back on one worker frees it for the other', async () => {
  const { workers, sent } = instance();
  const [a, b] = workers.map((w) => w.limiter({ max: 1, windowMinutes: 15 }, null));
  const first = await a!.take('7|e', now);
  assert.ok(first.ok);
  assert.equal(kind(await b!.take('7|e', now)), 'refused 900s');
  first.ticket.giveBack();
  first.ticket.giveBack(); // twice counts once
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sent.filter((m) => m.scrutin === 'derive-give').length, 1);
  assert.equal(kind(await b!.take('7|e', now)), 'ok');
});

test('a silent primary: the worker counts its share of the limit, and a late grant is handed back', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const sent: ToPrimary[] = [];
  const ipc = derivationsOverIpc({ send: (m) => sent.push(m), workers: 2, waitMs: 1_000 });
  const limiter = ipc.limiter(limit, null);
  const answers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const pending = limiter.take('7|e', now);
    t.mock.timers.tick(1_000);
    answers.push(kind(await pending));
  }
  // The local share is max / workers: 2 of 4.
  assert.deepEqual(answers, ['ok', 'ok', 'refused 900s']);
  // The primary answers the first request after all: that place was not used, it goes back.
  const first = sent.find((m) => m.scrutin === 'derive-take');
  assert.ok(first?.scrutin === 'derive-take');
  ipc.answered({ scrutin: 'derive-answer', id: first.id, ok: true });
  assert.deepEqual(sent.at(-1), { scrutin: 'derive-give', community: null, who: '7|e', at: now.getTime(), max: 4, windowMinutes: 15 });
});

test('a closed channel to the primary falls back at once', async () => {
  const ipc = derivationsOverIpc({
    send: () => {
      throw new Error('channel closed');
    },
    workers: 3,
  });
  const limiter = ipc.limiter({ max: 4, windowMinutes: 15 }, null);
  // The share of 4 among 3 workers, rounded up: 2.
  assert.deepEqual(
    [kind(await limiter.take('7|e', now)), kind(await limiter.take('7|e', now)), kind(await limiter.take('7|e', now))],
    ['ok', 'ok', 'refused 900s'],
  );
});
