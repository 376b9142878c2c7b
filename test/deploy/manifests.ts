// Reading Kubernetes manifests in tests: every document of every YAML file in a folder,
// and typed steps into the parsed objects.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Obj = Record<string, unknown>;

export interface Manifest {
  file: string;
  doc: Obj;
}

/** The value at a dotted path (`spec.template.spec`, `ports.0.name`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur as unknown[])[Number(key)] : (cur as Obj)[key];
  }
  return cur;
}

export function obj(value: unknown, path = ''): Obj {
  const v = path === '' ? value : at(value, path);
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${path} is a mapping`);
  return v as Obj;
}

export function list(value: unknown, path: string): Obj[] {
  const v = at(value, path);
  assert.ok(Array.isArray(v), `${path} is a list`);
  return v as Obj[];
}

/** Every document of every `.yaml`/`.yml` file directly in `dir`, each asserted to parse. */
export function loadManifests(dir: string): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const d of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      assert.deepEqual(d.errors, [], `${file} parses`);
      const doc: unknown = d.toJS();
      if (doc !== null) out.push({ file, doc: obj(doc) });
    }
  }
  return out;
}

/** The one manifest of `kind` (and `name`, if given). */
export function oneOf(manifests: readonly Manifest[], kind: string, name?: string): Obj {
  const found = manifests.filter((m) => m.doc.kind === kind && (name === undefined || at(m.doc, 'metadata.name') === name));
  assert.equal(found.length, 1, `exactly one ${kind}${name === undefined ? '' : ` ${name}`}`);
  return found[0]!.doc;
}

/** A Secret's values, from `stringData` and (decoded) `data`. */
export function secretValues(secret: Obj): Record<string, string> {
  const values = { ...((secret.stringData ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) values[k] = Buffer.from(v, 'base64').toString();
  return values;
}
