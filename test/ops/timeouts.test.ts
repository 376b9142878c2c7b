// Slow clients cannot hold connections open: over real sockets, a request whose
// headers or body trickle in is answered 408 and closed within HTTP_*_TIMEOUT, an
// idle keep-alive connection is closed, and the metrics listener does the same. A
// request that arrived in time is answered however long the answer takes: votes
// with a passphrase wait seconds for their key derivation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../metarepo/fixture.js';
import { freePort, startListening, type ListeningApp } from './support.js';

interface Trickled {
  /** Bytes of `rest` written before the server closed the connection (or all of them). */
  sent: number;
  /** What the server answered, if anything. */
  answer: string;
  closedByServer: boolean;
}

/**
 * Sends `head` at once, then `rest` one byte every `everyMs`, until the server closes
 * the connection or everything is sent (then waits briefly for an answer).
 */
function trickle(port: number, head: string, rest: string, everyMs = 200): Promise<Trickled> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined); // a reset after the 408 is the server closing too
    socket.on('close', () => {
      closed = true;
      clearInterval(timer);
      resolve({ sent, answer, closedByServer: sent < rest.length });
    });
    socket.once('connect', () => {
      if (head !== '') socket.write(head);
      timer = setInterval(() => {
        if (closed) return;
        if (sent === rest.length) {
          clearInterval(timer);
          // Everything sent: give the server a moment to answer, then hang up ourselves.
          setTimeout(() => socket.end(), 500);
          return;
        }
        socket.write(rest[sent++]!);
      }, everyMs);
    });
    socket.once('error', reject);
  });
}

/** An HTTP/1.1 request head (keep-alive, the default). */
function head(method: string, path: string, headers: Record<string, string> = {}): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

describe('request timeouts on real sockets', () => {
  let app: ListeningApp;
  let port: number;
  let metricsPort: number;
  before(async () => {
    port = await freePort();
    metricsPort = await freePort();
    app = await startListening({
      APP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: 'metrics-token-for-the-timeout-tests',
      HTTP_HEADERS_TIMEOUT: '1',
      HTTP_REQUEST_TIMEOUT: '1',
      HTTP_KEEPALIVE_TIMEOUT: '1',
    });
  });
  after(async () => {
    await app.close();
  });

  const body = 'username=' + 'a'.repeat(91); // 100 bytes: 20 seconds at one byte every 200 ms

  test('a POST whose body trickles in gets 408 and is closed before it ends', async () => {
    const r = await trickle(
      port,
      head('POST', '/login/dev', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }),
      body,
    );
    assert.ok(r.closedByServer, `the server waited for all ${body.length} bytes`);
    assert.match(r.answer.slice(0, 100), /^HTTP\/1\.1 408 /);
  });

  test('headers that trickle in get 408 and the connection is closed', async () => {
    const r = await trickle(port, '', head('GET', '/health', { 'x-slow': 'a'.repeat(80) }));
    assert.ok(r.closedByServer, 'the server waited for every header');
    assert.match(r.answer.slice(0, 100), /^HTTP\/1\.1 408 /);
  });

  test('a connection that sends nothing is closed', async () => {
    // Nothing to send but a byte far later than any limit: the server hangs up first.
    const r = await trickle(port, '', 'G', 30_000);
    assert.ok(r.closedByServer);
  });

  test('an idle keep-alive connection is closed after HTTP_KEEPALIVE_TIMEOUT', async () => {
    // After the answer, nothing more until long after the limit.
    const r = await trickle(port, head('GET', '/health'), 'G', 30_000);
    assert.match(r.answer.slice(0, 100), /^HTTP\/1\.1 200 /, 'the request itself was answered');
    assert.ok(r.closedByServer, 'the server kept the idle connection open');
  });

  test('the metrics listener has the same limits', async () => {
    const r = await trickle(
      metricsPort,
      '',
      head('GET', '/metrics', { authorization: 'Bearer metrics-token-for-the-timeout-tests', 'x-slow': 'a'.repeat(80) }),
    );
    assert.ok(r.closedByServer, 'the metrics listener waited for every header');
    assert.match(r.answer.slice(0, 100), /^HTTP\/1\.1 408 /);
  });
});

describe('answers that take longer than the request timeout', () => {
  let app: ListeningApp;
  let meta: { path: string; cleanup: () => void };
  let base: string;
  before(async () => {
    meta = tempDir();
    const dir = join(meta.path, 'elections', 'slow');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'election.yaml'),
      'name: Slow\nstart_datetime: 2000-01-01 00:00:00\nend_datetime: 2999-01-01 00:00:00\nelection_officers: [olivia]\n',
    );
    writeFileSync(join(dir, 'voters.yaml'), 'eligible_voters:\n  - v1\n  - v2\n  - v3\n');
    for (const id of ['ann', 'ben'])
      writeFileSync(
        join(dir, `candidate-${id}.md`),
        `-------------------------------------------------------------\nname: ${id}\nID: ${id}\n---\n`,
      );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // One derivation at a time: the third vote waits for two others before its own.
    app = await startListening({
      APP_PORT: String(port),
      META_PATH: meta.path,
      ELECTION_DIR: 'elections',
      HTTP_HEADERS_TIMEOUT: '1',
      HTTP_REQUEST_TIMEOUT: '1',
      KDF_CONCURRENCY: '1',
      RATE_LIMIT_PER_MINUTE: '0',
    });
  });
  after(async () => {
    await app.close();
    meta.cleanup();
  });

  /** A browser of sorts over real sockets: cookies kept, the CSRF token read from the form's page. */
  async function voter(login: string): Promise<(path: string, form?: Record<string, string>, formPage?: string) => Promise<Response>> {
    const jar = new Map<string, string>();
    const go = async (path: string, form?: Record<string, string>, formPage = path): Promise<Response> => {
      let payload: string | undefined;
      if (form !== undefined) {
        const page = await (await go(formPage)).text();
        payload = new URLSearchParams({ ...form, _csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '' }).toString();
      }
      const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (payload !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(`${base}${path}`, {
        method: form === undefined ? 'GET' : 'POST',
        headers,
        body: payload,
        redirect: 'manual',
      });
      for (const cookie of res.headers.getSetCookie()) {
        const pair = cookie.split(';')[0]!;
        jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      return res;
    };
    assert.equal((await go('/login/dev', { username: login }, '/login')).status, 303);
    return go;
  }

  test('three passphrase votes queued behind one key derivation at a time are all stored, none cut off', async () => {
    const voters = await Promise.all(['v1', 'v2', 'v3'].map(voter));
    const started = performance.now();
    const answers = await Promise.all(
      voters.map((go) =>
        go(
          '/app/elections/slow/vote',
          { 'candidate@ann': '1', 'candidate@ben': '2', password: 'a long enough passphrase' },
          '/app/elections/slow/vote',
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(
      answers.map((r) => r.status),
      [303, 303, 303],
      `answered in ${seconds.toFixed(1)} s`,
    );
    // A vote that waited longer than CAST_WAIT_TIMEOUT is acknowledged with the sealing
    // page (issue 15); following it, as its meta refresh does, ends on the confirmation.
    for (const [k, r] of answers.entries()) {
      let location = r.headers.get('location');
      for (let i = 0; i < 600 && location === '/app/elections/slow/sealing'; i++) {
        const page = await voters[k]!('/app/elections/slow/sealing');
        location = page.status === 200 ? '/app/elections/slow/sealing' : page.headers.get('location');
        if (location === '/app/elections/slow/sealing') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(location, '/app/elections/slow/confirmation');
    }
  });
});
