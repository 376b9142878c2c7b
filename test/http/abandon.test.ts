// A client that goes away (a proxy that gave up, a closed tab) takes its request with it
// (issue 16): a passphrase vote waiting for its key derivation leaves the queue and is
// not cast behind the voter's back. Over a real socket, since only a real connection
// can be closed half-way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config.js';
import { FixedCatalogue } from '../../src/metarepo/catalogue.js';
import { startService } from '../../src/main.js';
import { freshDatabase } from '../helpers/db.js';
import { entryOf, makeCandidate, makeElection, snapshotOf } from '../helpers/meta.js';
import { freePort, waitFor } from '../helpers/net.js';

test('a passphrase vote whose client disconnects while it waits for a derivation is not cast', async () => {
  const now = new Date();
  const election = makeElection({
    key: 'race',
    startDatetime: new Date(now.getTime() - 86_400_000),
    endDatetime: new Date(now.getTime() + 86_400_000),
    voters: ['ann', 'bob'],
    candidates: [makeCandidate('c1'), makeCandidate('c2')],
  });
  const database = await freshDatabase('sqlite');
  const port = await freePort();
  const config = parseConfig(
    {
      APP_ENV: 'development',
      APP_KEY: 'test-key-0123456789abcdef',
      DATABASE_URL: database.url,
      APP_PORT: String(port),
      KDF_CONCURRENCY: '1',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    process.cwd(),
  );
  const sink = new Writable({
    write(_chunk: Buffer, _enc, cb) {
      cb();
    },
  });
  const service = await startService(config, { catalogue: new FixedCatalogue(snapshotOf([entryOf(election)])), logDestination: sink });
  const kdf = service.ctx.kdfPool;
  const base = `http://127.0.0.1:${port}`;

  /** Signs `login` in; returns the cookie header and the ballot form's token. */
  const signIn = async (login: string) => {
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const page = await fetch(`${base}/login`);
    keep(page);
    const signed = await fetch(`${base}/login/dev`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), username: login }).toString(),
    });
    keep(signed);
    assert.equal(signed.status, 303);
    const form = await fetch(`${base}/app/elections/race/vote`, { headers: { cookie: cookie() } });
    keep(form);
    const token = csrfOf(await form.text());
    return {
      cookie: cookie(),
      body: (passphrase: string) =>
        new URLSearchParams({ _csrf: token, 'candidate@c1': '1', 'candidate@c2': '2', password: passphrase }).toString(),
    };
  };

  try {
    const ann = await signIn('ann');
    const bob = await signIn('bob');
    // Ann's derivation (the real parameters: seconds) holds the only slot.
    const annVote = fetch(`${base}/app/elections/race/vote`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: ann.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: ann.body('ann passphrase'),
    });
    await waitFor(() => Promise.resolve(kdf.running === 1 ? true : undefined), 20_000, 'ann deriving');
    // Bob's vote queues behind it; then Bob's connection closes.
    const payload = bob.body('bob passphrase');
    const req = request(`${base}/app/elections/race/vote`, {
      method: 'POST',
      headers: {
        cookie: bob.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(payload)),
      },
    });
    req.on('error', () => undefined);
    req.end(payload);
    await waitFor(() => Promise.resolve(kdf.queued === 1 ? true : undefined), 20_000, 'bob queued');
    req.destroy();
    await waitFor(() => Promise.resolve(kdf.queued === 0 ? true : undefined), 20_000, 'bob left the queue');
    assert.equal((await annVote).status, 303, 'ann, who waited, has voted');
    await waitFor(() => Promise.resolve(kdf.running === 0 ? true : undefined), 20_000, 'nothing left deriving');
    const voted = await service.ctx.store.db
      .selectFrom('voter')
      .innerJoin('user', 'user.id', 'voter.user_id')
      .select('user.username')
      .execute();
    assert.deepEqual(
      voted.map((r) => r.username),
      ['ann'],
      'bob, who left, has not',
    );
  } finally {
    await service.stop();
    await database.drop();
  }
});
