// A throwaway upstream: a bare repository plus a working copy to commit and push
// from, all under one temp folder, with git isolated from the user's configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyFixture, tempDir } from './fixture.js';

export interface Upstream {
  /** The bare repository: what META_REPO points at. */
  bare: string;
  /** Where META_PATH can go (does not exist yet). */
  checkout: string;
  /** Environment that keeps git away from the user's config. */
  env: NodeJS.ProcessEnv;
  git: (...args: string[]) => string;
  write: (path: string, text: string) => void;
  commit: (message: string) => string;
  push: (...extra: string[]) => void;
  cleanup: () => void;
  root: string;
}

export function makeUpstream(): Upstream {
  const tmp = tempDir('scrutin-git-');
  const root = tmp.path;
  const bare = join(root, 'upstream.git');
  const work = join(root, 'work');
  const home = join(root, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.org',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.org',
  };
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', bare], { env });
  execFileSync('git', ['init', '--quiet', '-b', 'main', work], { env });
  copyFixture(work);
  mkdirSync(join(work, 'docs'));
  writeFileSync(join(work, 'docs', 'outside.md'), 'not an election\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'initial');
  git('remote', 'add', 'origin', bare);
  git('push', '--quiet', 'origin', 'main');
  return {
    bare,
    checkout: join(root, 'meta'),
    env,
    git,
    root,
    write: (path, text) => {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    },
    commit: (message) => {
      git('add', '-A');
      git('commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    push: (...extra) => {
      git('push', '--quiet', ...extra, 'origin', 'main');
    },
    cleanup: tmp.cleanup,
  };
}

/**
 * Replaces every object file of the clone with garbage. A local clone hard-links its
 * objects to the upstream's, so each file is unlinked and written anew: the upstream
 * stays intact.
 */
export function corruptObjects(checkout: string): number {
  let n = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'info') walk(path);
      } else {
        unlinkSync(path);
        writeFileSync(path, 'this is not a git object\n');
        n++;
      }
    }
  };
  walk(join(checkout, '.git', 'objects'));
  return n;
}
