// Running behind a reverse proxy: the Unix socket Nginx connects to, and which
// client address the server believes (X-Forwarded-For only from a trusted proxy).
//
// The observable is the per-client rate limit: each client address has its own
// budget, reported in `x-ratelimit-remaining`. Two requests that claim different
// X-Forwarded-For addresses draw on two budgets only if the header was believed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fetchRaw, freePort, startListening, type Answer } from './support.js';

const LIMIT = 5;

function remaining(res: Answer): number {
  assert.equal(res.status, 200, `GET /login answered ${res.status}`);
  return Number(res.headers['x-ratelimit-remaining']);
}

/** Budgets left after a request as client A, one as B, and one more as A. */
async function budgets(get: (forwardedFor: string) => Promise<Answer>): Promise<[number, number, number]> {
  const a1 = remaining(await get('203.0.113.1'));
  const b = remaining(await get('203.0.113.2'));
  const a2 = remaining(await get('203.0.113.1'));
  return [a1, b, a2];
}

async function overTcp(trustProxy: string | null): Promise<[number, number, number]> {
  const port = await freePort();
  const app = await startListening({
    APP_PORT: String(port),
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    ...(trustProxy === null ? {} : { TRUST_PROXY: trustProxy }),
  });
  try {
    return await budgets((xff) => fetchRaw({ url: `http://127.0.0.1:${port}/login` }, { 'x-forwarded-for': xff }));
  } finally {
    await app.close();
  }
}

async function overSocket(trustProxy: string | null): Promise<[number, number, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-sock-'));
  const socketPath = join(dir, 'scrutin.sock');
  const app = await startListening({
    APP_CONNECT: 'socket',
    APP_SOCKET: socketPath,
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    ...(trustProxy === null ? {} : { TRUST_PROXY: trustProxy }),
  });
  try {
    return await budgets((xff) => fetchRaw({ socketPath, path: '/login' }, { 'x-forwarded-for': xff }));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('APP_CONNECT=socket', { timeout: 60_000 }, () => {
  it('listens on APP_SOCKET with mode 0660 and serves /health there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-sock-'));
    const socketPath = join(dir, 'scrutin.sock');
    const app = await startListening({ APP_CONNECT: 'socket', APP_SOCKET: socketPath });
    try {
      assert.equal(app.service.address, socketPath);
      const st = statSync(socketPath);
      assert.ok(st.isSocket(), 'APP_SOCKET is a Unix socket');
      assert.equal((st.mode & 0o777).toString(8), '660', 'owner and group (the proxy) may connect; nobody else');
      const res = await fetchRaw({ socketPath, path: '/health' });
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
      // Pages too, not only /health (which skips the rate limit): a socket peer has no
      // address, and the per-client limit once failed on it with a 500.
      assert.equal((await fetchRaw({ socketPath, path: '/login' })).status, 200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces a socket file left behind by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-sock-'));
    const socketPath = join(dir, 'scrutin.sock');
    const first = await startListening({ APP_CONNECT: 'socket', APP_SOCKET: socketPath });
    // Simulate a crash: the file stays, nobody listens. (Closing would remove it.)
    await first.close();
    writeFileSync(socketPath, '');
    const second = await startListening({ APP_CONNECT: 'socket', APP_SOCKET: socketPath });
    try {
      assert.equal((await fetchRaw({ socketPath, path: '/health' })).status, 200);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TRUST_PROXY', { timeout: 60_000 }, () => {
  it('ignores X-Forwarded-For when unset: every request counts against the proxy address', async () => {
    assert.deepEqual(await overTcp(null), [LIMIT - 1, LIMIT - 2, LIMIT - 3]);
  });

  it('believes X-Forwarded-For from the trusted proxy address (127.0.0.1)', async () => {
    assert.deepEqual(await overTcp('127.0.0.1'), [LIMIT - 1, LIMIT - 1, LIMIT - 2]);
  });

  it('ignores X-Forwarded-For from any other address', async () => {
    assert.deepEqual(await overTcp('192.0.2.10'), [LIMIT - 1, LIMIT - 2, LIMIT - 3]);
  });

  it('over the socket, TRUST_PROXY=1 (one hop: the proxy) believes the header', async () => {
    assert.deepEqual(await overSocket('1'), [LIMIT - 1, LIMIT - 1, LIMIT - 2]);
  });

  it('over the socket with TRUST_PROXY=1, a request without the header is still served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrutin-sock-'));
    const socketPath = join(dir, 'scrutin.sock');
    const app = await startListening({ APP_CONNECT: 'socket', APP_SOCKET: socketPath, TRUST_PROXY: '1' });
    try {
      assert.equal((await fetchRaw({ socketPath, path: '/login' })).status, 200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("over the socket, TRUST_PROXY defaults to one hop: the proxy's header is believed without configuration", async () => {
    assert.deepEqual(await overSocket(null), [LIMIT - 1, LIMIT - 1, LIMIT - 2]);
  });

  it('over the socket with TRUST_PROXY=false, all clients share one budget', async () => {
    assert.deepEqual(await overSocket('false'), [LIMIT - 1, LIMIT - 2, LIMIT - 3]);
  });
});
