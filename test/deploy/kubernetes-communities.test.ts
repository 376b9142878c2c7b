// The Kubernetes example for several communities (deploy/kubernetes-communities/, a
// kustomize overlay on deploy/kubernetes/): the COMMUNITIES file in its ConfigMap is one
// Scrutin's own parser accepts, mounted where COMMUNITIES points; every variable the
// file names is set in the Deployment from the example Secret, and no other; and the
// pod's whole environment is one `scrutin serve` accepts (proved with the real
// configuration parser), once META_SECRET is left out of the base Secret as documented.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config.js';
import { parseCommunitiesFile } from '../../src/core/communities/file.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../metarepo/fixture.js';
import { at, list, loadManifests, obj, oneOf, secretValues, type Obj } from './manifests.js';

const dir = join(repoRoot, 'deploy', 'kubernetes-communities');
const baseDir = join(repoRoot, 'deploy', 'kubernetes');
const manifests = loadManifests(dir);
const base = loadManifests(baseDir);

const kustomization = oneOf(manifests, 'Kustomization');
const communitiesMap = oneOf(manifests, 'ConfigMap', 'scrutin-communities');
const configPatch = oneOf(manifests, 'ConfigMap', 'scrutin-config');
const deploymentPatch = oneOf(manifests, 'Deployment', 'scrutin');
const communitySecret = oneOf(manifests, 'Secret');
const patchContainer = list(deploymentPatch, 'spec.template.spec.containers').find((c) => c.name === 'scrutin');
assert.ok(patchContainer !== undefined, 'the patch names the base container');
const env = list(patchContainer, 'env');

/** The container path COMMUNITIES names, and the file's text found there through the mount. */
function mountedFile(): { path: string; text: string } {
  const path = String(env.find((e) => e.name === 'COMMUNITIES')?.value);
  const volumes = list(deploymentPatch, 'spec.template.spec.volumes');
  for (const mount of list(patchContainer, 'volumeMounts')) {
    const rel = posix.relative(String(mount.mountPath), path);
    const volume = volumes.find((v) => v.name === mount.name);
    if (rel.startsWith('..') || rel.includes('/') || volume === undefined) continue;
    assert.equal(at(volume, 'configMap.name'), at(communitiesMap, 'metadata.name'), 'mounted from the communities ConfigMap');
    const text = obj(communitiesMap, 'data')[rel];
    assert.equal(typeof text, 'string', `the ConfigMap holds ${rel}`);
    return { path, text: text as string };
  }
  assert.fail(`COMMUNITIES (${path}) is not on a mounted ConfigMap`);
}

const file = mountedFile();
const parsed = parseCommunitiesFile(file.text, file.path);
/** Every variable name the file gives (meta_secret_env, meta_token_env). */
const named = parsed.communities.flatMap((c) => [c.metaSecretEnv, c.metaTokenEnv]).filter((n): n is string => n !== null);

// What an operator puts in the Secrets in place of each REPLACE-ME.
const real = (name: string) => `${name.toLowerCase().replaceAll('_', '-')}-0123456789abcdef`;

describe('Kubernetes example for several communities', () => {
  const scratch = tempDir('scrutin-k8s-communities-');
  after(() => scratch.cleanup());

  it('is an overlay of deploy/kubernetes whose listed files exist, leaving its Secret out', () => {
    const resources = at(kustomization, 'resources') as string[];
    assert.ok(resources.includes('../kubernetes'), 'built on the base manifests');
    const patches = list(kustomization, 'patches').map((p) => String(p.path));
    for (const f of [...resources, ...patches]) assert.ok(existsSync(join(dir, f)), `${f} exists`);
    assert.ok(![...resources, ...patches].includes('secret.yaml'), 'the placeholder Secret is never applied by accident');
  });

  it("holds a COMMUNITIES file that Scrutin's own parser accepts, without a warning", () => {
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.communities.map((c) => c.key),
      ['k8s', 'otel', 'knative'],
    );
    assert.equal(parsed.communities.filter((c) => c.isDefault).length, 1, 'one default: an existing deployment keeps its URLs');
    // The check is real: a secret written into the file is refused.
    assert.notDeepEqual(parseCommunitiesFile(`${file.text}    meta_secret: hunter2hunter2\n`, file.path).problems, []);
  });

  it('sets every variable the file names from the example Secret, and no other secret', () => {
    assert.ok(named.length >= 3);
    const fromSecrets = env.filter((e) => at(e, 'valueFrom.secretKeyRef') !== undefined);
    assert.deepEqual(fromSecrets.map((e) => e.name).sort(), [...named].sort());
    const values = secretValues(communitySecret);
    for (const e of fromSecrets) {
      const ref = obj(e, 'valueFrom.secretKeyRef');
      assert.equal(ref.name, at(communitySecret, 'metadata.name'), `${String(e.name)} comes from the example Secret`);
      assert.ok(ref.optional !== true, `${String(e.name)} is required: Scrutin stops without it`);
      assert.equal(ref.key, e.name, `${String(e.name)} is read under its own name`);
      assert.ok(values[String(ref.key)]?.startsWith('REPLACE-ME'), `the Secret holds a placeholder for ${String(e.name)}`);
    }
    assert.deepEqual(Object.keys(values).sort(), [...named].sort(), 'the Secret holds nothing the file does not name');
    // Nothing secret in plain values.
    for (const e of env) assert.ok(e.value === undefined || !/SECRET|TOKEN/.test(String(e.name)), `${String(e.name)} is not a plain value`);
  });

  /** The pod's environment: the base ConfigMap with the patch, the Secrets with real values, the container's env. */
  function podEnvironment(withBaseMetaSecret: boolean, placeholders = false): Record<string, string> {
    const data: Record<string, string | null> = {
      ...(obj(oneOf(base, 'ConfigMap'), 'data') as Record<string, string>),
      ...(obj(configPatch, 'data') as Record<string, string | null>),
    };
    const baseSecrets = Object.fromEntries(Object.keys(secretValues(oneOf(base, 'Secret'))).map((k) => [k, real(k)]));
    baseSecrets.APP_KEY = '';
    if (!withBaseMetaSecret) delete baseSecrets.META_SECRET;
    const local = join(scratch.path, 'communities.yaml');
    writeFileSync(local, file.text);
    const out: Record<string, string> = { ...baseSecrets };
    for (const [k, v] of Object.entries(data)) if (v !== null) out[k] = v;
    for (const e of env) {
      const ref = at(e, 'valueFrom.secretKeyRef.key');
      out[String(e.name)] = e.name === 'COMMUNITIES' ? local : typeof ref === 'string' ? (placeholders ? (secretValues(communitySecret)[ref] ?? '') : real(ref)) : String(e.value);
    }
    return out;
  }

  it('gives `scrutin serve` a complete configuration with every community and its secrets', () => {
    const config = parseConfig(podEnvironment(false), '/app', { purpose: 'serve' });
    assert.equal(config.meta.repo, null, 'META_REPO is removed from the base ConfigMap');
    assert.deepEqual(
      config.communities?.map((c) => [c.key, c.meta.secret, c.meta.token, c.meta.path]),
      parsed.communities.map((c) => [
        c.key,
        c.metaSecretEnv === null ? null : real(c.metaSecretEnv),
        c.metaTokenEnv === null ? null : real(c.metaTokenEnv),
        join(config.meta.path, c.key),
      ]),
    );
    // The example Secret's placeholders stop start-up, each variable named, no value echoed.
    let message = '';
    assert.throws(
      () => parseConfig(podEnvironment(false, true), '/app', { purpose: 'serve' }),
      (e: unknown) => e instanceof ConfigError && (message = e.message) !== '',
    );
    for (const name of named) assert.ok(message.includes(`${name} `), `${name} is named`);
    assert.ok(!message.includes('REPLACE-ME'), 'no placeholder is echoed');
    // As the example's Secret says: the base Secret's META_SECRET must go, or start-up stops.
    assert.throws(
      () => parseConfig(podEnvironment(true), '/app', { purpose: 'serve' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('META_SECRET is set as well as COMMUNITIES'),
    );
  });

  it('builds with kubectl kustomize into the base objects plus the communities', {
    skip: spawnSync('kubectl', ['version', '--client']).status === 0 ? false : 'kubectl is not installed',
  }, () => {
    const built = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(built.status, 0, built.stderr);
    const objects = parseAllDocuments(built.stdout).map((d) => obj(d.toJS()));
    const find = (kind: string, name: string): Obj | undefined => objects.find((o) => o.kind === kind && at(o, 'metadata.name') === name);
    assert.ok(!objects.some((o) => o.kind === 'Secret'), 'no Secret is applied');
    for (const o of objects) assert.equal(obj(o, 'metadata.labels')['app.kubernetes.io/part-of'], 'scrutin', `${String(o.kind)} is labelled`);
    assert.equal(obj(find('ConfigMap', 'scrutin-communities'), 'data')['communities.yaml'], file.text);
    assert.ok(!('META_REPO' in obj(find('ConfigMap', 'scrutin-config'), 'data')), 'META_REPO is removed');
    const container = list(find('Deployment', 'scrutin'), 'spec.template.spec.containers')[0]!;
    assert.deepEqual(list(container, 'env'), env);
    assert.equal(list(container, 'envFrom').length, 2, "the base's ConfigMap and Secret are still read");
    const mounts = list(container, 'volumeMounts').map((m) => m.mountPath);
    assert.ok(mounts.includes('/var/lib/scrutin') && mounts.includes('/tmp'), "the base's volumes are kept");
    assert.ok(
      list(container, 'volumeMounts').some((m) => posix.relative(String(m.mountPath), file.path) === posix.basename(file.path)),
      'the file is mounted where COMMUNITIES points',
    );
  });
});
