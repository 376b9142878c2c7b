// The Kubernetes manifests: every file parses, the objects refer to each other
// correctly, and the invariants that matter hold — two replicas with probes on
// /health/ready and /health/live, no secret in the ConfigMap, every variable `scrutin serve` requires in
// production provided (proved by running the real configuration parser on what the
// pod would receive), an unprivileged read-only container with a writable META_PATH.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config.js';
import { repoRoot } from '../helpers/cli.js';
import { readDockerfile } from './dockerfile.js';
import { at, list, loadManifests, obj, oneOf, secretValues, type Obj } from './manifests.js';

const dir = join(repoRoot, 'deploy', 'kubernetes');

const manifests = loadManifests(dir);
const one = (kind: string): Obj => oneOf(manifests, kind);

/** Kubernetes quantities in bytes (memory) or cores (cpu). */
function quantity(q: unknown): number {
  const m = /^([\d.]+)(m|Ki|Mi|Gi|K|M|G)?$/.exec(String(q));
  assert.ok(m !== null, `quantity ${String(q)}`);
  const factor: Record<string, number> = { '': 1, m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (factor[m[2] ?? ''] ?? NaN);
}

const MiB = 1024 ** 2;
const resources = at(one('Kustomization'), 'resources') as string[];
const deployment = one('Deployment');
const pod = obj(deployment, 'spec.template.spec');
const podLabels = obj(deployment, 'spec.template.metadata.labels');
const container = list(pod, 'containers')[0]!;
const configMap = one('ConfigMap');
const secret = one('Secret');
const config = obj(configMap, 'data') as Record<string, string>;
const secrets = secretValues(secret);

/** What the pod's environment holds: the ConfigMap, then the Secret (envFrom order). */
function podEnvironment(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...config, ...secrets, ...overrides };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

describe('Kubernetes manifests', () => {
  it('hold every object an installation needs, and kustomization lists the files', () => {
    for (const kind of ['Deployment', 'Service', 'Ingress', 'ConfigMap', 'Secret', 'PodDisruptionBudget']) one(kind);
    const files = new Set(readdirSync(dir));
    for (const r of resources) assert.ok(files.has(r), `${r} exists`);
    assert.ok(!resources.includes('secret.yaml'), 'the placeholder Secret is never applied by accident');
  });

  it('run two replicas, rolling one at a time without dropping below two', () => {
    assert.equal(at(deployment, 'spec.replicas'), 2);
    assert.equal(at(deployment, 'spec.strategy.type'), 'RollingUpdate');
    assert.equal(at(deployment, 'spec.strategy.rollingUpdate.maxUnavailable'), 0);
    const pdb = one('PodDisruptionBudget');
    const minAvailable = Number(at(pdb, 'spec.minAvailable'));
    assert.ok(minAvailable >= 1 && minAvailable < 2, 'a drain may take one replica, not all');
    const selector = obj(deployment, 'spec.selector.matchLabels');
    assert.deepEqual(obj(pdb, 'spec.selector.matchLabels'), selector);
    for (const [k, v] of Object.entries(selector)) assert.equal(podLabels[k], v, 'the selector matches the pod labels');
  });

  it('probe readiness on /health/ready, liveness and start-up on /health/live, on the port the server listens on', () => {
    const ports = new Map(list(container, 'ports').map((p) => [p.name, p.containerPort]));
    const paths = { readinessProbe: '/health/ready', livenessProbe: '/health/live', startupProbe: '/health/live' };
    for (const [probe, path] of Object.entries(paths)) {
      assert.equal(at(container, `${probe}.httpGet.path`), path, `${probe} on ${path}`);
      const named = at(container, `${probe}.httpGet.port`);
      const port = typeof named === 'string' ? ports.get(named) : named;
      assert.equal(String(port), config.APP_PORT, `${probe} targets APP_PORT`);
    }
    assert.equal(config.APP_CONNECT, 'http', 'Kubernetes talks to the pod over http, not a socket');
    assert.equal(config.APP_HOST, '0.0.0.0', 'reachable from the kubelet and the Service');
  });

  it('route the Ingress (TLS, APP_URL host) to the Service and the Service to the web port only', () => {
    const service = one('Service');
    const ingress = one('Ingress');
    const appUrl = new URL(config.APP_URL ?? '');
    assert.equal(appUrl.protocol, 'https:');
    assert.ok(list(ingress, 'spec.tls').some((t) => (t.hosts as string[]).includes(appUrl.host) && typeof t.secretName === 'string'), 'TLS for the APP_URL host');
    assert.equal(at(ingress, 'spec.rules.0.host'), appUrl.host);
    const backend = obj(ingress, 'spec.rules.0.http.paths.0.backend.service');
    assert.equal(backend.name, at(service, 'metadata.name'));
    const servicePort = list(service, 'spec.ports').find((p) => p.name === at(backend, 'port.name') || p.port === at(backend, 'port.number'));
    assert.ok(servicePort !== undefined, 'the Ingress names a Service port');
    assert.equal(servicePort.targetPort, 'http');
    assert.deepEqual(obj(service, 'spec.selector'), podLabels);
    const metricsPort = list(container, 'ports').find((p) => p.name === 'metrics');
    assert.equal(String(metricsPort?.containerPort), config.METRICS_PORT, 'METRICS_PORT is a declared container port');
    assert.ok(!list(service, 'spec.ports').some((p) => p.targetPort === 'metrics' || String(p.targetPort) === config.METRICS_PORT), 'metrics are not published through the Service');
  });

  it('keep secrets out of the ConfigMap and provide them through the Secret', () => {
    const secretLooking = /(SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL)$/;
    assert.deepEqual(Object.keys(config).filter((k) => secretLooking.test(k)), []);
    for (const k of ['APP_KEY', 'DB_PASSWORD', 'META_SECRET', 'GITHUB_CLIENT_SECRET']) assert.ok(k in secrets, `${k} in the Secret`);
    for (const [k, v] of Object.entries(secrets)) assert.ok(v === '' || v.startsWith('REPLACE-ME'), `${k} holds a placeholder, not a real value`);
    const from = list(container, 'envFrom').map((e) => at(e, 'configMapRef.name') ?? at(e, 'secretRef.name'));
    assert.deepEqual(from, [at(configMap, 'metadata.name'), at(secret, 'metadata.name')]);
  });

  it('name only variables Scrutin knows (a misspelt one would be ignored silently)', () => {
    const known = new Set([...readFileSync(join(repoRoot, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    for (const k of Object.keys(podEnvironment())) assert.ok(known.has(k), `${k} is a Scrutin variable (.env.example)`);
  });

  // What an operator puts in the Secret in place of each REPLACE-ME.
  const realSecrets = {
    DB_PASSWORD: 'the-database-password',
    META_SECRET: '9f86d081884c7d659a2feaa0c55ad015',
    GITHUB_CLIENT_SECRET: '0123456789abcdef0123456789abcdef01234567',
    METRICS_TOKEN: 'mZ3q-8Kx1-Tt0e-Yv4c',
  };

  it('refuse to start with the Secret\'s placeholders, naming each one', () => {
    let message = '';
    assert.throws(() => parseConfig(podEnvironment(), '/app', { purpose: 'serve' }), (e: unknown) => {
      message = e instanceof ConfigError ? e.message : '';
      return e instanceof ConfigError;
    });
    for (const [k, v] of Object.entries(secrets)) {
      if (v.startsWith('REPLACE-ME')) assert.ok(message.includes(`${k} `), `${k} is named`);
      if (v !== '') assert.ok(!message.includes(v), `the value of ${k} is not repeated`);
    }
  });

  it('give `scrutin serve` a complete production configuration on PostgreSQL', () => {
    const parsed = parseConfig(podEnvironment(realSecrets), '/app', { purpose: 'serve' });
    assert.equal(parsed.appEnv, 'production');
    assert.equal(parsed.db.kind, 'postgresql');
    assert.equal(parsed.appKey, null, 'blank APP_KEY: generated once and shared through the database');
    assert.equal(parsed.kdfConcurrency, 1);
    assert.equal(parsed.trustProxy, 1);
    // The check is real: without any one required variable, the parser refuses.
    for (const name of ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'META_REPO', 'APP_URL', 'DB_HOST', 'DB_DATABASE', 'DB_USERNAME']) {
      assert.throws(() => parseConfig(podEnvironment({ ...realSecrets, [name]: undefined }), '/app', { purpose: 'serve' }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name} is required`);
    }
  });

  it('run as the image\'s unprivileged user on a read-only root filesystem, with META_PATH writable', () => {
    assert.equal(at(pod, 'securityContext.runAsNonRoot'), true);
    const user = readDockerfile(join(repoRoot, 'Dockerfile')).at(-1)!.instructions.filter((i) => i.keyword === 'USER').at(-1)!.args;
    assert.equal(String(at(pod, 'securityContext.runAsUser')), user.split(':')[0], 'the Dockerfile\'s USER');
    assert.ok(Number(at(pod, 'securityContext.runAsUser')) > 0);
    assert.equal(at(container, 'securityContext.readOnlyRootFilesystem'), true);
    assert.equal(at(container, 'securityContext.allowPrivilegeEscalation'), false);
    assert.deepEqual(at(container, 'securityContext.capabilities.drop'), ['ALL']);

    const volumes = new Map(list(pod, 'volumes').map((v) => [v.name, v]));
    const writable = (path: string) => list(container, 'volumeMounts').find((m) => {
      const rel = posix.relative(String(m.mountPath), path);
      const volume = volumes.get(m.name);
      return !rel.startsWith('..') && m.readOnly !== true && volume !== undefined && ('emptyDir' in volume || 'persistentVolumeClaim' in volume);
    });
    assert.ok(writable(config.META_PATH ?? '') !== undefined, `META_PATH ${String(config.META_PATH)} is on a writable volume`);
    assert.ok(writable('/tmp') !== undefined, '/tmp is writable');
  });

  it('size memory for the key derivations KDF_CONCURRENCY allows', () => {
    const perDerivation = 600 * MiB;
    const concurrency = Number(config.KDF_CONCURRENCY);
    assert.equal(quantity(at(container, 'resources.limits.memory')), 1.5 * 1024 * MiB);
    assert.ok(quantity(at(container, 'resources.requests.memory')) >= 100 * MiB + concurrency * perDerivation, 'the request covers idle use and the derivations');
    assert.ok(quantity(at(container, 'resources.limits.memory')) >= 200 * MiB + concurrency * perDerivation);
    assert.ok(quantity(at(container, 'resources.requests.cpu')) <= quantity(at(container, 'resources.limits.cpu')));
  });

  // Reading the files ourselves proves what they say; kubectl's own kustomize proves
  // that `kubectl apply -k deploy/kubernetes`, the documented command, accepts them.
  it('build with kubectl kustomize into the listed objects, each labelled part of Scrutin', { skip: spawnSync('kubectl', ['version', '--client']).status === 0 ? false : 'kubectl is not installed' }, () => {
    const built = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(built.status, 0, built.stderr);
    const objects = parseAllDocuments(built.stdout).map((d) => obj(d.toJS()));
    const ref = (o: Obj): string => `${String(o.kind)}/${String(at(o, 'metadata.name'))}`;
    const listed = manifests.filter((m) => resources.includes(m.file)).map((m) => ref(m.doc));
    assert.deepEqual(objects.map(ref).sort(), listed.sort());
    for (const o of objects) assert.equal(obj(o, 'metadata.labels')['app.kubernetes.io/part-of'], 'scrutin', `${String(o.kind)} is labelled`);
    assert.ok(!objects.some((o) => o.kind === 'Secret'), 'the placeholder Secret is not applied');
  });
});
