// The Dockerfile, replayed without a container engine: the build context is a clean
// copy of the committed repository less .dockerignore; each stage is a folder
// standing for its WORKDIR; COPY steps copy, the npm RUN steps run as written, and
// the system steps (apt-get, useradd) are only checked for. The runtime folder then
// serves, answers the image's own HEALTHCHECK and serves public/ — with no src/.
//
// Slow (two `npm ci`): SKIP_SLOW_TESTS=1 skips it.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/cli.js';
import { fetchRaw, freePort } from '../ops/support.js';
import { copyParts, dockerIgnore, envPairs, execForm, readDockerfile, type Stage } from './dockerfile.js';

const slow = process.env.SKIP_SLOW_TESTS === '1';

/** The repository as committed (what CI and an image build see), or the tree without a git checkout. */
function cleanContext(into: string): void {
  mkdirSync(into, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git -C "${repoRoot}" archive --format=tar HEAD | tar -x -C "${into}"`], { encoding: 'utf8' });
  if (archive.status !== 0) {
    cpSync(repoRoot, into, { recursive: true, filter: (src) => !/\/(node_modules|\.git|dist|data)(\/|$)/.test(relative(repoRoot, src)) });
  }
  const ignored = dockerIgnore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(into, p).split('\\').join('/');
      if (ignored(rel)) rmSync(p, { recursive: true, force: true });
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(into);
}

/**
 * better-sqlite3 downloads a prebuilt binary during `npm ci`, from a host this
 * machine cannot reach, and otherwise compiles SQLite for a minute and a half.
 * prebuild-install's documented local-prebuilds folder stands in for that
 * download, made from the binary this checkout already has.
 */
function localPrebuilds(into: string): Record<string, string> {
  const pkg = join(repoRoot, 'node_modules', 'better-sqlite3');
  const binary = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return {};
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  mkdirSync(join(into, 'build', 'Release'), { recursive: true });
  cpSync(binary, join(into, 'build', 'Release', 'better_sqlite3.node'));
  const tarball = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const made = spawnSync('tar', ['-czf', tarball, 'build'], { cwd: into });
  return made.status === 0 ? { npm_config_better_sqlite3_local_prebuilds: into } : {};
}

interface Replayed {
  stageDirs: Map<string, string>;
  skipped: Map<string, string[]>;
  env: Map<string, Record<string, string>>;
}

function replay(stages: Stage[], context: string, work: string, runEnv: NodeJS.ProcessEnv): Replayed {
  const stageDirs = new Map<string, string>();
  const skipped = new Map<string, string[]>();
  const envs = new Map<string, Record<string, string>>();
  const workdirs = new Map<string, string>();
  for (const stage of stages) {
    const dir = join(work, stage.name);
    const parent = stageDirs.get(stage.from);
    if (parent !== undefined) cpSync(parent, dir, { recursive: true });
    else mkdirSync(dir, { recursive: true });
    stageDirs.set(stage.name, dir);
    const env: Record<string, string> = { ...(envs.get(stage.from) ?? {}) };
    const skips: string[] = [...(skipped.get(stage.from) ?? [])];
    let workdir = workdirs.get(stage.from) ?? '/';
    // Every stage's folder stands for its WORKDIR; all of them use the same one.
    const inStage = (containerPath: string, base: string, root: string) => {
      const abs = posix.resolve(base, containerPath);
      const rel = posix.relative(workdir, abs);
      assert.ok(!rel.startsWith('..'), `${abs} is outside the WORKDIR this test can stand for`);
      return join(root, rel);
    };
    for (const ins of stage.instructions) {
      switch (ins.keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, ins.args);
          break;
        case 'ENV':
          for (const [k, v] of envPairs(ins.args)) env[k] = v;
          break;
        case 'COPY': {
          const { sources, dest } = copyParts(ins.args);
          const from = ins.flags.from;
          for (const source of sources) {
            const src = from === undefined ? join(context, source) : inStage(source, workdir, stageDirs.get(from) ?? assert.fail(`COPY --from=${from}: no such stage`));
            assert.ok(existsSync(src), `line ${ins.line}: COPY ${source}${from === undefined ? '' : ` from ${from}`}: not there (.dockerignore, or a missing build output?)`);
            const destDir = inStage(dest, workdir, dir);
            const target = dest.endsWith('/') || sources.length > 1 ? join(destDir, posix.basename(source)) : destDir;
            mkdirSync(dirname(target), { recursive: true });
            cpSync(src, statSync(src).isDirectory() && source === '.' ? destDir : target, { recursive: true });
          }
          break;
        }
        case 'RUN': {
          if (!/^npm\s/.test(ins.args)) {
            skips.push(ins.args);
            break;
          }
          const r = spawnSync('sh', ['-c', ins.args], { cwd: dir, env: { ...runEnv, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
          assert.equal(r.status, 0, `line ${ins.line}: RUN ${ins.args} failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
          break;
        }
        default:
          break;
      }
    }
    envs.set(stage.name, env);
    skipped.set(stage.name, skips);
    workdirs.set(stage.name, workdir);
  }
  return { stageDirs, skipped, env: envs };
}

function waitForOutput(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => { reject(new Error(`no ${String(pattern)} within ${ms} ms; output:\n${seen}`)); }, ms);
    const on = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${String(pattern)}; output:\n${seen}`));
    });
  });
}

describe('Dockerfile', () => {
  const stages = readDockerfile(join(repoRoot, 'Dockerfile'));
  const runtime = stages.at(-1)!;
  const final = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1);

  it('builds in stages and runs unprivileged, with git, a health check and `serve`', () => {
    assert.ok(stages.length >= 3, 'build and runtime are separate stages');
    const runtimeRuns = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    assert.match(runtimeRuns, /apt-get install[^\n]*\bgit\b/, 'git is installed for the meta repository');
    assert.doesNotMatch(runtimeRuns, /\bnpm\b|g\+\+|\bmake\b/, 'no build in the runtime stage');
    const user = final('USER')?.args ?? 'root';
    assert.doesNotMatch(user, /^(root|0)(:|$)/, 'runs as an unprivileged user');
    assert.match(user, /^\d+(:\d+)?$/, 'a numeric user, so Kubernetes runAsNonRoot can check it');
    assert.deepEqual(execForm(final('ENTRYPOINT')!.args), ['node', 'bin/scrutin.js']);
    assert.deepEqual(execForm(final('CMD')!.args), ['serve']);
    assert.match(final('HEALTHCHECK')?.args ?? '', /^CMD \[/);
    assert.match(final('HEALTHCHECK')?.args ?? '', /\/health\/ready'/, 'healthy means ready for voters, not merely running');
    assert.ok(!runtime.instructions.some((i) => i.keyword === 'COPY' && /(^|\s)(\.\/)?src(\/|\s|$)/.test(i.args) && i.flags.from === undefined), 'no sources in the runtime image');
    const env = Object.fromEntries(runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => envPairs(i.args)));
    assert.equal(env.APP_HOST, '0.0.0.0');
  });

  it('its steps build in a clean copy, and the runtime layout serves without src/', { skip: slow ? 'SKIP_SLOW_TESTS=1' : false, timeout: 240_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'scrutin-docker-'));
    let child: ChildProcess | null = null;
    try {
      const context = join(work, 'context');
      cleanContext(context);
      assert.ok(!existsSync(join(context, 'node_modules')) && !existsSync(join(context, 'test')), '.dockerignore keeps the context small');
      const runEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
        ...localPrebuilds(join(work, 'prebuilds')),
      };
      const { stageDirs, skipped, env } = replay(stages, context, join(work, 'stages'), runEnv);

      const app = stageDirs.get(runtime.name)!;
      assert.ok(!existsSync(join(app, 'src')), 'no src/ in the runtime image');
      assert.ok(existsSync(join(app, 'dist', 'cli.js')));
      assert.ok(existsSync(join(app, 'public', 'app.css')), 'public/ sits where dist/http/assets.js looks for it');
      assert.ok(!existsSync(join(app, 'node_modules', 'typescript')), 'no development dependencies');
      assert.ok(existsSync(join(app, 'node_modules', 'better-sqlite3')));
      assert.ok((skipped.get(runtime.name) ?? []).some((s) => /useradd/.test(s)));

      const imageEnv = env.get(runtime.name)!;
      const data = join(work, 'var');
      const port = await freePort();
      const childEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        ...imageEnv,
        HOME: data,
        APP_ENV: 'development',
        APP_HOST: '127.0.0.1',
        APP_PORT: String(port),
        META_PATH: join(data, 'meta'),
        DB_PATH: join(data, 'data', 'scrutin.db'),
      };
      const entry = execForm(final('ENTRYPOINT')!.args);
      const cmd = execForm(final('CMD')!.args);

      const help = spawnSync(entry[0]!, [...entry.slice(1), '--help'], { cwd: app, env: childEnv, encoding: 'utf8' });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /Usage: scrutin <command>/);

      child = spawn(entry[0]!, [...entry.slice(1), ...cmd], { cwd: app, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      await waitForOutput(child, /Scrutin is serving/, 60_000);

      const health = execForm(final('HEALTHCHECK')!.args.replace(/^CMD\s+/, ''));
      const probe = spawnSync(health[0]!, health.slice(1), { cwd: app, env: childEnv, encoding: 'utf8' });
      assert.equal(probe.status, 0, `the image's HEALTHCHECK fails: ${probe.stderr}`);

      const login = await fetchRaw({ url: `http://127.0.0.1:${port}/login` });
      assert.equal(login.status, 200);
      const css = /href="(\/assets\/app\.css[^"]*)"/.exec(login.body)?.[1];
      assert.ok(css !== undefined, 'the page links its stylesheet');
      assert.equal((await fetchRaw({ url: `http://127.0.0.1:${port}${css.replace(/&amp;/g, '&')}` })).status, 200, 'public/ is served');

      const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, 'stops cleanly on SIGTERM');
      child = null;
    } finally {
      child?.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    }
  });
});
