// The demo meta repository: examples/meta copied into a local git repository under
// data/demo/, with the dates in demo-dates.json rewritten relative to today so there
// is always one upcoming, one running and one completed election. Re-running on the
// same day changes nothing; on a later day it commits the shifted dates, as an
// officer would.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const examplesDir = fileURLToPath(new URL('../../examples/meta/', import.meta.url));
/** The second demo community (`npm start` shows two, as a foundation's Scrutin would). */
export const secondExamplesDir = fileURLToPath(new URL('../../examples/meta-lantern/', import.meta.url));

type Offsets = Record<string, Record<string, number>>;

function git(cwd: string, args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Scrutin demo', '-c', 'user.email=demo@scrutin.invalid', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    },
  );
}

/** `YYYY-MM-DD HH:MM:SS`, the bare form Elekto's officers write (UTC). */
function bare(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function shiftDates(yamlText: string, offsets: Record<string, number>, today: Date): string {
  let out = yamlText;
  for (const [key, days] of Object.entries(offsets)) {
    const when = new Date(today.getTime() + days * 86_400_000);
    const pattern = new RegExp(`^${key}:.*$`, 'm');
    if (!pattern.test(out)) throw new Error(`demo-dates.json names ${key}, which the election.yaml does not have`);
    out = out.replace(pattern, `${key}: ${bare(when)}`);
  }
  return out;
}

/** Midnight UTC of the day of `now`. */
export function dayOf(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export interface DemoRepo {
  /** The local repository to use as META_REPO. */
  path: string;
  revision: string;
}

export function prepareDemoRepo(dataDir: string, now: Date, source = examplesDir, name = 'meta-repo'): DemoRepo {
  const repo = join(dataDir, name);
  mkdirSync(repo, { recursive: true });
  if (!existsSync(join(repo, '.git'))) git(repo, ['init', '-q', '-b', 'main']);
  rmSync(join(repo, 'elections'), { recursive: true, force: true });
  cpSync(join(source, 'elections'), join(repo, 'elections'), { recursive: true });
  cpSync(join(source, 'README.md'), join(repo, 'README.md'));
  const offsets = JSON.parse(readFileSync(join(source, 'demo-dates.json'), 'utf8')) as Offsets;
  const today = dayOf(now);
  for (const [dir, fields] of Object.entries(offsets)) {
    const file = join(repo, dir, 'election.yaml');
    writeFileSync(file, shiftDates(readFileSync(file, 'utf8'), fields, today));
  }
  git(repo, ['add', '-A']);
  const changed = git(repo, ['status', '--porcelain']).trim() !== '';
  if (changed) git(repo, ['commit', '-q', '-m', `Demo elections dated from ${today.toISOString().slice(0, 10)}`]);
  return { path: repo, revision: git(repo, ['rev-parse', 'HEAD']).trim() };
}
