// `scrutin demo` (what `npm start` runs): a complete Scrutin on this machine with no
// set-up: SQLite under data/demo/, the bundled demo elections as a local git
// repository, and the development sign-in. Variables set in the environment or
// .env still win (APP_PORT, say).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dayOf, examplesDir, prepareDemoRepo, secondExamplesDir } from '../demo/prepare.js';
import { seedDemoBallots } from '../demo/seed.js';
import { startService, stopOnSignals } from '../main.js';
import { configFor } from './common.js';
import type { Command } from './types.js';
import { UserError } from './types.js';

function webhookSecret(dataDir: string): string {
  const file = join(dataDir, 'webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(20).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The demo's COMMUNITIES file: the main demo (default, at the plain URLs) and Lantern. */
function demoCommunities(main: string, lantern: string): string {
  return [
    '# Written by `scrutin demo`: two communities, as a foundation hosting several projects has.',
    'communities:',
    '  - key: demo',
    '    name: Example Community',
    `    meta_repo: ${JSON.stringify(main)}`,
    '    meta_secret_env: DEMO_META_SECRET',
    '    default: true',
    '  - key: lantern',
    '    name: Lantern Project',
    `    meta_repo: ${JSON.stringify(lantern)}`,
    '    meta_secret_env: LANTERN_META_SECRET',
    '    colour: "#c2410c"',
    '',
  ].join('\n');
}

function completedWindow(today: Date): { start: Date; end: Date } {
  const offsets = JSON.parse(readFileSync(join(examplesDir, 'demo-dates.json'), 'utf8')) as Record<string, Record<string, number>>;
  const mascot = offsets['elections/community/mascot'];
  const day = (n: number | undefined) => new Date(today.getTime() + (n ?? 0) * 86_400_000);
  return { start: day(mascot?.start_datetime), end: day(mascot?.end_datetime) };
}

export const command: Command = {
  name: 'demo',
  summary: 'Run a self-contained demo (SQLite, bundled elections, development sign-in)',
  usage: [
    'Usage: scrutin demo [--port PORT] [--reset]',
    '',
    'Serves Scrutin on http://127.0.0.1:5000 (APP_PORT or --port to change) with an embedded',
    'SQLite database and two demo communities, each a meta repository under data/demo/:',
    'the main one (at the plain URLs and /c/demo/) with one upcoming, one running and one',
    'completed election with sample ballots, and Lantern (/c/lantern/) with one running',
    'election. Sign in with the development form as any login: alice (voter in both),',
    'olivia (officer), oscar (officer in both), mallory (not eligible).',
    '',
    'Options:',
    '  --port PORT   port to listen on (default APP_PORT or 5000)',
    '  --reset       delete data/demo/ first (its database and repository)',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { port: { type: 'string' }, reset: { type: 'boolean', default: false } }, strict: true });
    const dataDir = resolve(io.cwd, 'data', 'demo');
    if (values.reset) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const now = new Date();
    const repo = prepareDemoRepo(dataDir, now);
    const second = prepareDemoRepo(dataDir, now, secondExamplesDir, 'lantern-repo');
    const communities = join(dataDir, 'communities.yaml');
    writeFileSync(communities, demoCommunities(repo.path, second.path));
    const secret = webhookSecret(dataDir);
    const defaults: Record<string, string> = {
      APP_ENV: 'development',
      APP_NAME: 'Scrutin demo',
      DB_CONNECTION: 'sqlite',
      DB_PATH: join(dataDir, 'scrutin.db'),
      COMMUNITIES: communities,
      META_PATH: join(dataDir, 'meta-clones'),
      DEMO_META_SECRET: secret,
      LANTERN_META_SECRET: secret,
    };
    const env = { ...defaults, ...io.env, ...(values.port !== undefined ? { APP_PORT: values.port } : {}) };
    const config = configFor({ ...io, env }, { purpose: 'serve' });
    if (config.appEnv !== 'development')
      throw new UserError('the demo runs with APP_ENV=development only (it signs anyone in); use `scrutin serve` for a real deployment');
    const service = await startService(config, { guardProcess: true });
    const main = service.ctx.communities().find((c) => c.info.isDefault)?.ctx ?? service.ctx;
    const seeded = await seedDemoBallots(main.store, completedWindow(dayOf(now)), now);
    if (seeded > 0) service.ctx.log.info({ ballots: seeded }, 'demo: sample ballots added to the completed election');
    io.out(
      [
        '',
        `  Scrutin demo is running: ${config.appUrl.origin}/`,
        '',
        '  Sign in with the development form as:',
        '    alice    a voter in both communities (the 2026 Steering Committee and Lantern TSC elections are open)',
        '    olivia   an election officer (turnout, exceptions, results of the mascot vote)',
        '    oscar    an officer in both communities',
        '    mallory  someone not on the voter list (request an exception)',
        '',
        `  Data: ${dataDir}   (scrutin demo --reset starts afresh)`,
        '  Stop with Ctrl+C.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((done) => {
      stopOnSignals(service, done);
    });
    return 0;
  },
};
