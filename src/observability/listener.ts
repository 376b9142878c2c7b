// A listener of its own for /metrics (METRICS_PORT), so Prometheus can scrape a port
// that the Ingress or the reverse proxy never exposes. Plain node:http: it serves
// one path and must stay up even if the main application is busy. Under the cluster
// (WORKERS > 1) the primary runs it and serves the whole instance's figures.
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { scrapeAllowed, type MetricsSource } from './metrics.js';

export interface MetricsListener {
  address: string;
  close: () => Promise<void>;
}

export interface MetricsListenerOptions {
  /** This process's metrics, or (in a cluster's primary) the instance's. */
  metrics: MetricsSource;
  host: string;
  port: number;
  token: string | null;
  log: FastifyBaseLogger;
  /** Limits on slow clients, as on the main listener (httpTimeouts). */
  timeouts?: ServerOptions;
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export async function startMetricsListener(options: MetricsListenerOptions): Promise<MetricsListener> {
  const { metrics, token, log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      answer(res, 404, 'Not found: metrics are served at GET /metrics\n');
      return;
    }
    if (!scrapeAllowed(req.headers.authorization, token)) {
      answer(res, 401, 'Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', { 'www-authenticate': 'Bearer realm="metrics"' });
      return;
    }
    const scrape = await metrics.scrape();
    if (!scrape.ok) {
      // Part of the instance's figures would read as counter resets: nothing rather than a part.
      log.warn({ reason: scrape.reason }, 'metrics: the scrape could not gather every process');
      answer(res, 503, `Service Unavailable: ${scrape.reason}; scrape again\n`, { 'retry-after': '5' });
      return;
    }
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : scrape.text);
  };
  const server = createServer(options.timeouts ?? {}, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'metrics: could not render');
      if (!res.headersSent) answer(res, 500, 'metrics could not be rendered\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // Said plainly, naming the variable: the main listener's advice (APP_PORT) would mislead.
      reject(
        new Error(
          `cannot serve metrics on ${options.host}:${options.port} (METRICS_PORT): ${error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message}`,
        ),
      );
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      server.on('error', (error) => {
        log.error({ err: error }, 'metrics listener error');
      });
      resolve();
    });
  });
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `http://${host}:${options.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
