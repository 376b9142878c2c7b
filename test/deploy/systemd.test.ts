// deploy/systemd: the unit is valid for systemd, hardened, and agrees with the
// sample environment file and the Nginx site about where things live (a service
// that may not write where its socket or database is would fail only in production).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config.js';
import { repoRoot } from '../helpers/cli.js';

const unitPath = join(repoRoot, 'deploy', 'systemd', 'scrutin.service');
const unitText = readFileSync(unitPath, 'utf8');

/** Section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current !== undefined && eq > 0, `cannot read "${line}"`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const service = parseUnit(unitText).get('Service')!;
const value = (key: string) => service.get(key)?.at(-1);
const envFile = parseEnv(readFileSync(join(repoRoot, 'deploy', 'systemd', 'scrutin.env'), 'utf8')) as Record<string, string>;

describe('deploy/systemd/scrutin.service', () => {
  it('is accepted by systemd-analyze verify (when systemd is installed)', { skip: spawnSync('systemd-analyze', ['--version']).status === 0 ? false : 'systemd-analyze is not installed' }, () => {
    const r = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    // Unknown keys and bad values are only warnings there; they are errors here.
    const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /Unknown (key|section)|Failed to parse|Invalid|Missing/i.test(l));
    assert.deepEqual(problems, []);
  });

  it('is hardened', () => {
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes',
      CapabilityBoundingSet: '', AmbientCapabilities: '', RestrictSUIDSGID: 'yes', RestrictNamespaces: 'yes',
      ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectControlGroups: 'yes', LockPersonality: 'yes',
      SystemCallArchitectures: 'native', UMask: '0077',
    };
    for (const [k, v] of Object.entries(expected)) assert.equal(value(k), v, `${k}=${v}`);
    assert.match(value('RestrictAddressFamilies') ?? '', /AF_UNIX/, 'the socket needs AF_UNIX');
    assert.match(value('SystemCallFilter') ?? '', /@system-service/);
    assert.notEqual(value('User') ?? 'root', 'root');
    // These would break Node: V8's JIT needs W+X memory; os.cpus() reads /proc/cpuinfo.
    assert.equal(value('MemoryDenyWriteExecute'), undefined);
    assert.notEqual(value('ProcSubset'), 'pid');
  });

  it('runs `serve` with the environment file, and restarts after a failure', () => {
    assert.match(value('ExecStart') ?? '', /\/bin\/scrutin\.js serve$/);
    assert.equal(value('EnvironmentFile'), '/etc/scrutin/scrutin.env');
    assert.equal(value('Restart'), 'on-failure');
  });

  it('may write where the sample configuration puts the database, the clone and the socket', () => {
    // The blanks an operator must fill (the metrics port needs its token).
    const filled = { ...envFile, GITHUB_CLIENT_ID: 'Iv1.example', GITHUB_CLIENT_SECRET: 'example-secret', METRICS_TOKEN: 'Rk2v-metrics-token-9x' };
    const config = parseConfig(filled, value('WorkingDirectory') ?? '/', { purpose: 'serve' });
    const writable = (value('ReadWritePaths') ?? '').split(/\s+/).filter((p) => p !== '');
    for (const d of ['StateDirectory', 'RuntimeDirectory']) {
      const name = value(d);
      if (name !== undefined) writable.push(d === 'StateDirectory' ? `/var/lib/${name}` : `/run/${name}`);
    }
    const inside = (path: string) => writable.some((w) => !posix.relative(w, path).startsWith('..'));
    assert.equal(config.connect, 'socket');
    assert.ok(config.db.kind === 'sqlite' && inside(config.db.path), `DB_PATH ${config.db.kind === 'sqlite' ? config.db.path : ''} is writable`);
    assert.ok(inside(config.meta.path), `META_PATH ${config.meta.path} is writable`);
    assert.ok(inside(posix.dirname(config.socketPath)), `APP_SOCKET ${config.socketPath} is writable`);
    assert.equal(config.trustProxy, 1, 'the socket\'s peer is the proxy: one trusted hop');
    const nginx = readFileSync(join(repoRoot, 'deploy', 'nginx', 'scrutin.conf'), 'utf8');
    assert.ok(nginx.includes(`server unix:${config.socketPath};`), 'Nginx connects to the same socket');
  });

  it('names only variables Scrutin knows in the sample environment file', () => {
    const known = new Set([...readFileSync(join(repoRoot, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    for (const k of Object.keys(envFile)) assert.ok(known.has(k), `${k} is a Scrutin variable`);
  });
});
