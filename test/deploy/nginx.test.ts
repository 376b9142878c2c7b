// deploy/nginx/scrutin.conf in front of a real Scrutin, both ways it offers: over
// the Unix socket and over 127.0.0.1. The site file is used as shipped, with only
// ports, paths and certificate swapped for temporary ones. Nginx's workers run as
// `nobody` in the socket's group, as the docs set it up (`usermod -aG scrutin
// www-data`), so the socket's mode 0660 is what lets them in.
//
// Needs the nginx and openssl executables; skipped (saying so) without them, except
// under REQUIRE_TOOLS=1 (CI), where their absence fails.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../helpers/cli.js';
import { needTool } from '../helpers/tools.js';
import { fetchRaw, freePort, startListening, type Answer, type ListeningApp } from '../ops/support.js';

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
const openssl = spawnSync('openssl', ['version']).status === 0;
const skip = needTool(nginx === undefined ? 'nginx is not installed (apt-get install nginx-light)' : !openssl ? 'openssl is not installed' : false);
const site = readFileSync(join(repoRoot, 'deploy', 'nginx', 'scrutin.conf'), 'utf8');
const HOST = 'elections.example.org';

interface Proxy {
  dir: string;
  https: number;
  http: number;
  cert: string;
  process: ChildProcess;
}

/** The shipped site with temporary ports, socket, certificate and (optionally) the http upstream. */
function adapt(dir: string, ports: { https: number; http: number; app: number }, mode: 'socket' | 'http'): string {
  let conf = site
    .replace(/^\s*listen \[::\]:\d+.*$/gm, '') // the test machine may lack IPv6
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${ports.https} ssl http2;`)
    .replace(/listen 80;/, `listen 127.0.0.1:${ports.http};`)
    .replace('unix:/run/scrutin/scrutin.sock', `unix:${join(dir, 'run', 'scrutin.sock')}`)
    .replace('server 127.0.0.1:5000;', `server 127.0.0.1:${ports.app};`)
    .replace(/\/etc\/letsencrypt\/live\/elections\.example\.org\/fullchain\.pem/, join(dir, 'cert.pem'))
    .replace(/\/etc\/letsencrypt\/live\/elections\.example\.org\/privkey\.pem/, join(dir, 'key.pem'));
  if (mode === 'http') conf = conf.replace(/proxy_pass http:\/\/scrutin_socket;/g, 'proxy_pass http://scrutin_http;');
  return conf;
}

async function startProxy(mode: 'socket' | 'http', appPort: number): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'scrutin-nginx-'));
  chmodSync(dir, 0o750);
  mkdirSync(join(dir, 'run'), { mode: 0o750 });
  mkdirSync(join(dir, 'logs'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const ports = { https: await freePort(), http: await freePort(), app: appPort };
  writeFileSync(join(dir, 'site.conf'), adapt(dir, ports, mode));
  // Workers as nobody, in the group that owns the socket (this process's group).
  const group = process.getgid?.() === 0 ? 'root' : '';
  writeFileSync(join(dir, 'nginx.conf'), [
    process.getuid?.() === 0 ? `user nobody ${group};` : '',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'logs', 'error.log')} warn;`,
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${join(dir, 'logs', 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    `  include ${join(dir, 'site.conf')};`,
    '}',
  ].join('\n'));
  const test = spawnSync(nginx!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(test.status, 0, `nginx -t rejects the site:\n${test.stderr}`);
  const child = spawn(nginx!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; ; i++) {
    const up = await fetchRaw({ url: `http://127.0.0.1:${ports.http}/` }).then(() => true, () => false);
    if (up) break;
    if (child.exitCode !== null || child.signalCode !== null || i >= 100) {
      child.kill('SIGKILL');
      const log = readFileSync(join(dir, 'logs', 'error.log'), { encoding: 'utf8', flag: 'a+' });
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start (exit ${String(child.exitCode)}):\n${stderr}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { dir, https: ports.https, http: ports.http, cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), process: child };
}

async function stopProxy(p: Proxy): Promise<void> {
  if (p.process.exitCode === null && p.process.signalCode === null) {
    const exited = new Promise((resolve) => p.process.once('exit', resolve));
    p.process.kill('SIGTERM');
    // A graceful stop takes milliseconds; never let a stuck proxy hold the suite.
    const timer = setTimeout(() => p.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(p.dir, { recursive: true, force: true });
}

function viaTls(p: Proxy, path: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: p.https, path, method: options.method ?? 'GET', servername: HOST, ca: p.cert, headers: { host: HOST, ...options.headers }, ...(options.from === undefined ? {} : { localAddress: options.from }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }); });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

for (const mode of ['socket', 'http'] as const) {
  describe(`deploy/nginx/scrutin.conf, ${mode} mode`, { skip, timeout: 60_000 }, () => {
    let app: ListeningApp | undefined;
    let proxy: Proxy | undefined;
    const LIMIT = 5;

    before(async () => {
      const appPort = await freePort();
      const common = { APP_URL: `https://${HOST}`, RATE_LIMIT_PER_MINUTE: String(LIMIT) };
      // The proxy's folder is made first so the socket can live inside it.
      proxy = await startProxy(mode, appPort);
      app = mode === 'socket'
        ? await startListening({ ...common, APP_CONNECT: 'socket', APP_SOCKET: join(proxy.dir, 'run', 'scrutin.sock'), TRUST_PROXY: '1' })
        : await startListening({ ...common, APP_CONNECT: 'http', APP_HOST: '127.0.0.1', APP_PORT: String(appPort), TRUST_PROXY: '127.0.0.1' });
    });
    after(async () => {
      // before() may have failed half-way; clean up what exists.
      await app?.close();
      if (proxy !== undefined) await stopProxy(proxy);
    });

    it('serves Scrutin over TLS, and redirects plain http to https', async () => {
      const health = await viaTls(proxy!, '/health');
      assert.equal(health.status, 200, health.body);
      assert.equal((JSON.parse(health.body) as { status: string }).status, 'ok');
      const page = await viaTls(proxy!, '/login');
      assert.equal(page.status, 200);
      assert.match(String(page.headers['strict-transport-security']), /max-age=/, 'Scrutin sends HSTS for an https APP_URL');
      const plain = await fetchRaw({ url: `http://127.0.0.1:${proxy!.http}/login` }, { host: HOST });
      assert.equal(plain.status, 301);
      assert.equal(plain.headers.location, `https://${HOST}/login`);
    });

    it('passes the real client address, and a client cannot pick another', async () => {
      const remaining = async (from: string, claimed: string) => Number((await viaTls(proxy!, '/login', { from, headers: { 'x-forwarded-for': claimed } })).headers['x-ratelimit-remaining']);
      const first = await remaining('127.0.0.1', '198.51.100.1');
      const second = await remaining('127.0.0.1', '198.51.100.2');
      assert.equal(second, first - 1, 'claiming another address changes nothing: same client, same budget');
      // Another client (another loopback address) has a budget of its own: Scrutin
      // sees each client's address through the proxy, not the proxy's.
      assert.equal(await remaining('127.0.0.2', '198.51.100.1'), LIMIT - 1);
    });

    it('refuses oversized bodies and keeps /metrics from the public', async () => {
      const big = await viaTls(proxy!, '/login/dev', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=${'a'.repeat(300 * 1024)}` });
      assert.equal(big.status, 413);
      assert.equal((await viaTls(proxy!, '/metrics')).status, 403);
      // GitHub's webhook may carry more than a form: it reaches Scrutin, which judges it.
      const push = await viaTls(proxy!, '/v1/webhooks/meta/sync', { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body: JSON.stringify({ ref: 'refs/heads/main', padding: 'x'.repeat(1024 * 1024) }) });
      assert.notEqual(push.status, 413, 'Nginx lets a 1 MiB webhook through');
      assert.match(String(push.headers['content-type']), /json/, 'Scrutin answered');
    });
  });
}
