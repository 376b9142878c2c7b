// Runs `scrutin` as a child process, the way an operator would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/scrutin.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface InProcessResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `scrutin ARGS` in this process through the CLI dispatcher, capturing its output. */
export async function runInProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<InProcessResult> {
  // Imported here so the child-process helpers above stay light for the tests that only spawn.
  const { run } = await import('../../src/cli.js');
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (text) => (out += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => (err += text.endsWith('\n') ? text : `${text}\n`),
    env,
    cwd,
  });
  return { code, out, err };
}
