// `scrutin serve`: migrate, sync the meta repository, serve HTTP (or a Unix socket)
// until SIGTERM/SIGINT. This is what containers and systemd run.
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { startPrimary } from '../cluster/primary.js';
import { linkToPrimary } from '../cluster/worker.js';
import type { Config } from '../config.js';
import { startService, stopOnSignals } from '../main.js';
import { MigrationBlocked } from '../storage/migrate.js';
import { configFor } from './common.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

function addressOf(config: Config): string {
  if (config.connect === 'socket') return config.socketPath;
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
}

export const command: Command = {
  name: 'serve',
  summary: 'Migrate the database, sync the meta repository and serve the web application',
  usage: [
    'Usage: scrutin serve [--host HOST] [--port PORT]',
    '',
    'Reads the configuration from the environment and .env (the environment wins),',
    'migrates the database, clones or updates the meta repository, and serves HTTP on',
    'APP_HOST:APP_PORT (or a Unix socket when APP_CONNECT=socket) with WORKERS processes',
    '(default: one per CPU core; WORKERS=1 for a single process). Stops gracefully on',
    'SIGTERM or SIGINT.',
    '',
    'Options:',
    '  --host HOST   overrides APP_HOST',
    '  --port PORT   overrides APP_PORT',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { host: { type: 'string' }, port: { type: 'string' } }, strict: true });
    const env = {
      ...io.env,
      ...(values.host !== undefined ? { APP_HOST: values.host } : {}),
      ...(values.port !== undefined ? { APP_PORT: values.port } : {}),
    };
    const config = configFor({ ...io, env }, { purpose: 'serve' });
    if (config.workers > 1 && cluster.isPrimary) {
      const primary = await startPrimary(config, {
        onListening: (workers) => {
          io.out(`Scrutin is serving ${config.appName} on ${addressOf(config)} with ${workers} workers`);
        },
      });
      return await primary.stopped;
    }
    const worker = config.workers > 1 ? linkToPrimary(config, config.workers, () => new Date()) : undefined;
    let service;
    try {
      service = await startService(config, { guardProcess: true, ...(worker !== undefined ? { cluster: worker } : {}) });
    } catch (error) {
      if (error instanceof MigrationBlocked) throw new UserError(error.message);
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE')
        throw new UserError(`cannot listen on ${config.host}:${config.port}: the address is already in use (set APP_PORT to another port)`);
      if (
        code === 'ECONNREFUSED' ||
        code === 'ENOTFOUND' ||
        code === '28P01' ||
        code === 'ER_ACCESS_DENIED_ERROR' ||
        code === '3D000' ||
        code === 'ER_BAD_DB_ERROR'
      ) {
        throw new UserError(`cannot use the database: ${(error as Error).message}`);
      }
      throw error;
    }
    if (worker === undefined) io.out(`Scrutin is serving ${config.appName} on ${service.address}`);
    await new Promise<void>((resolve) => {
      stopOnSignals(service, resolve);
    });
    // A worker's channel to the primary would keep it alive.
    if (worker !== undefined && process.connected) process.disconnect();
    return 0;
  },
};
