// `scrutin <command> [options]`: the single entry point for operators. Each command
// lives in src/commands/<name>.ts; this file only dispatches and turns errors into
// one clear line (stack traces only with APP_DEBUG).
import type { Command, CommandIO } from './commands/types.js';
import { UserError } from './commands/types.js';

/**
 * Every command, with its one-line summary. A command's module is imported only
 * when that command runs: `scrutin tally` must not pay for loading the web server.
 * test/cli/registry.test.ts keeps these summaries equal to the modules' own.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'Migrate the database, sync the meta repository and serve the web application',
    load: async () => (await import('./commands/serve.js')).command,
  },
  {
    name: 'migrate',
    summary: 'Create or upgrade the database schema (adopts Elekto databases)',
    load: async () => (await import('./commands/migrate.js')).command,
  },
  {
    name: 'sync',
    summary: 'Clone or update the meta repository and bring the election table in line',
    load: async () => (await import('./commands/sync.js')).command,
  },
  {
    name: 'validate',
    summary: 'Check a meta repository (or one election folder) the way CI would',
    load: async () => (await import('./commands/validate.js')).command,
  },
  {
    name: 'tally',
    summary: 'Count a ballot CSV (Schulze, approval or STV): ranking, winners, ties, why',
    load: async () => (await import('./commands/tally.js')).command,
  },
  {
    name: 'verify',
    summary: 'Find your ballot in a published ballots CSV by its receipt code',
    load: async () => (await import('./commands/verify.js')).command,
  },
  {
    name: 'voters',
    summary: 'Build voters.yaml from contribution data and approved exceptions (or check it in CI)',
    load: async () => (await import('./commands/voters.js')).command,
  },
  {
    name: 'check',
    summary: 'Check that every vote has exactly one whole ballot (after a crash, restore or upgrade)',
    load: async () => (await import('./commands/check.js')).command,
  },
  {
    name: 'elections',
    summary: 'List the elections in the database (orphans included); purge one explicitly',
    load: async () => (await import('./commands/elections.js')).command,
  },
  {
    name: 'communities',
    summary: 'List the communities of the COMMUNITIES file: revision, last sync, problems',
    load: async () => (await import('./commands/communities.js')).command,
  },
  {
    name: 'backup',
    summary: 'Consistent online backup of a SQLite database (prints the dump command for PostgreSQL/MySQL)',
    load: async () => (await import('./commands/backup.js')).command,
  },
  { name: 'key', summary: 'Print a fresh random APP_KEY', load: async () => (await import('./commands/key.js')).command },
  {
    name: 'demo',
    summary: 'Run a self-contained demo (SQLite, bundled elections, development sign-in)',
    load: async () => (await import('./commands/demo.js')).command,
  },
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: scrutin <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `scrutin <command> --help` for the options of one command.',
  ].join('\n');
}

function isDebug(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env.APP_DEBUG ?? '');
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? 1 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.err(`scrutin: unknown command "${name}". Run \`scrutin --help\` for the list.`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (error) {
    if (error instanceof UserError) {
      io.err(`scrutin ${cmd.name}: ${error.message}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`scrutin ${cmd.name}: ${message}`);
    if (isDebug(io.env) && error instanceof Error && error.stack !== undefined) io.err(error.stack);
    return 1;
  }
}

export function processIO(): CommandIO {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Called by bin/scrutin.js. */
export async function main(argv: string[]): Promise<number> {
  return run(argv, processIO());
}
