// Helpers for the operations tests: a service that really listens (TCP or a Unix
// socket), free ports, plain HTTP requests, and a reader of Prometheus text.
import { request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { parseConfig } from '../../src/config.js';
import { startService, type Service } from '../../src/main.js';
import { freshDatabase, type TestDatabase } from '../helpers/db.js';
import { logSink } from '../helpers/logs.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface ListeningApp {
  service: Service;
  logs: string[];
  close: () => Promise<void>;
}

/** Starts the real service (listening) on a fresh SQLite database. */
export async function startListening(env: Record<string, string>): Promise<ListeningApp> {
  const database: TestDatabase = await freshDatabase('sqlite');
  const config = parseConfig(
    { APP_ENV: 'development', APP_KEY: 'test-key-0123456789abcdef', DATABASE_URL: database.url, LOG_LEVEL: 'info', ...env },
    process.cwd(),
  );
  const { logs, sink } = logSink();
  const service = await startService(config, { logDestination: sink });
  return {
    service,
    logs,
    close: async () => {
      await service.stop();
      await database.drop();
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request over TCP (`url`) or a Unix socket (`socketPath` + path). */
export function fetchRaw(
  target: { url: string } | { socketPath: string; path: string },
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options =
      'url' in target
        ? { ...urlParts(target.url), method, headers }
        : { socketPath: target.socketPath, path: target.path, method, headers };
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function urlParts(url: string): { host: string; port: number; path: string } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), path: `${u.pathname}${u.search}` };
}

/** The value of one sample in Prometheus text format, or undefined if absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const found = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found.set(l[1]!, l[2]!);
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}
