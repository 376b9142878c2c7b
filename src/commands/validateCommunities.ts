// `scrutin validate --communities FILE`: checks a COMMUNITIES file as startup would
// (every problem with its file and line, every secret variable it names present), then
// clones each community's meta repository into a temporary folder and checks it as
// `scrutin validate` checks one repository. One line per community sums it up. A
// repository that cannot be cloned is that community's error; the others are checked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  formatProblem,
  isRemoteRepo,
  parseCommunitiesFile,
  resolveCommunitySecrets,
  type CommunityDecl,
} from '../core/communities/file.js';
import type { Problem } from '../core/meta/types.js';
import { readEnvironment } from '../config.js';
import { createMetaSource, describeSyncError } from '../metarepo/source.js';
import type { CommandIO } from './types.js';
import { UserError } from './types.js';

/** Longest a clone may take before the community is reported as unreachable. */
const CLONE_TIMEOUT_MS = 120_000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A local meta_repo is relative to the file's folder, as the server reads it. */
function repoOf(decl: CommunityDecl, file: string): string {
  return isRemoteRepo(decl.metaRepo) ? decl.metaRepo : resolve(dirname(file), decl.metaRepo);
}

interface CommunityCheck {
  key: string;
  revision: string | null;
  elections: number;
  broken: number;
  problems: Problem[];
  /** Why the repository could not be read at all. */
  failure: string | null;
}

async function checkRepository(decl: CommunityDecl, file: string, token: string | null, base: string): Promise<CommunityCheck> {
  const path = join(base, decl.key);
  const source = createMetaSource({
    repo: repoOf(decl, file),
    path,
    branch: decl.metaBranch,
    electionDir: decl.electionDir,
    token,
    timeoutMs: CLONE_TIMEOUT_MS,
  });
  try {
    const revision = await source.update();
    const snapshot = await source.load(revision);
    const entries = [...snapshot.entries.values()];
    return {
      key: decl.key,
      revision,
      elections: entries.length,
      broken: entries.filter((e) => !e.ok).length,
      problems: [...snapshot.problems, ...entries.flatMap((e) => e.problems)],
      failure: null,
    };
  } catch (error) {
    return { key: decl.key, revision: null, elections: 0, broken: 0, problems: [], failure: describeSyncError(error, token) };
  }
}

export async function validateCommunities(path: string, io: CommandIO, strict: boolean): Promise<number> {
  const file = resolve(io.cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
  }
  const parsed = parseCommunitiesFile(text, path);
  const env = readEnvironment(io.env, io.cwd);
  const secrets = resolveCommunitySecrets(parsed.communities, env, path);
  const fileProblems = [...parsed.problems, ...secrets.problems];
  for (const p of fileProblems) io.out(`${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p)}`);

  const base = mkdtempSync(join(tmpdir(), 'scrutin-validate-'));
  const checks: CommunityCheck[] = [];
  try {
    for (const decl of parsed.communities) {
      checks.push(await checkRepository(decl, file, secrets.secrets.get(decl.key)?.token ?? null, base));
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  for (const c of checks) {
    for (const p of c.problems) io.out(`${c.key}: ${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p)}`);
  }
  if (fileProblems.length + checks.reduce((n, c) => n + c.problems.length, 0) > 0) io.out('');
  const width = Math.max(0, ...checks.map((c) => c.key.length));
  let errors = fileProblems.filter((p) => p.severity === 'error').length;
  let warnings = fileProblems.length - errors;
  for (const c of checks) {
    const e = c.problems.filter((p) => p.severity === 'error').length;
    errors += e + (c.failure === null ? 0 : 1);
    warnings += c.problems.length - e;
    io.out(
      c.failure !== null
        ? `${c.key.padEnd(width)}  UNREADABLE  ${c.failure}`
        : `${c.key.padEnd(width)}  ${(c.revision ?? '').slice(0, 12).padEnd(12)}  ${plural(c.elections, 'election')}${c.broken > 0 ? ` (${c.broken} with errors)` : ''}, ${plural(e, 'error')}, ${plural(c.problems.length - e, 'warning')}`,
    );
  }
  io.out(
    `${parsed.communities.length} ${parsed.communities.length === 1 ? 'community' : 'communities'} checked; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${strict && warnings > 0 ? ' (--strict: warnings fail)' : ''}`,
  );
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}
