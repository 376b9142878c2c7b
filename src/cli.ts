// `scrutin <command> [options]`: the single entry point for operators. Each command
// lives in src/commands/<name>.ts; this file only dispatches and turns errors into
// one clear line (stack traces only with APP_DEBUG).
import type { Command, CommandIO } from './commands/types.js';
import { UserError } from './commands/types.js';
import { command as serve } from './commands/serve.js';
import { command as migrate } from './commands/migrate.js';
import { command as key } from './commands/key.js';
import { command as demo } from './commands/demo.js';
import { command as sync } from './commands/sync.js';
import { command as validate } from './commands/validate.js';
import { command as tally } from './commands/tally.js';
import { command as check } from './commands/check.js';
import { command as backup } from './commands/backup.js';
import { command as elections } from './commands/elections.js';

export const commands: readonly Command[] = [serve, migrate, sync, validate, tally, check, elections, backup, key, demo];

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
  const cmd = commands.find((c) => c.name === name);
  if (cmd === undefined) {
    io.err(`scrutin: unknown command "${name}". Run \`scrutin --help\` for the list.`);
    return 2;
  }
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
