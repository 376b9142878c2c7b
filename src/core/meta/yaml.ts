// Safe YAML 1.1 parsing, the way PyYAML's safe_load reads Elekto's files, with line
// numbers for every problem. Only the standard YAML 1.1 tags resolve: a language tag
// such as `!!python/object` or any custom `!tag` is an error, never an object.
//
// Budgets: the files come from whoever can push to the meta repository, and the
// server reads them after every push. Aliases (`*name`) are resolved once per file
// through an index built in one pass (the `yaml` package's own lookup walks the
// whole document for each alias: 12,000 aliases took 20 s), and a file may hold at
// most MAX_ALIASES of them: hand-written meta files use a few, if any.
import { LineCounter, parseDocument, isAlias, isScalar, isMap, isSeq, visit } from 'yaml';
import type { Alias, Document, Node, Pair, Scalar, Tags, YAMLMap, ScalarTag, CollectionTag } from 'yaml';
import type { Problem } from './types.js';

/** Aliases (`*name`) read per file; more make the file an error. */
export const MAX_ALIASES = 100;

// The `yaml` package's 1.1 booleans include `y` and `n`; PyYAML's do not (a voter
// called `n` stays a string there), so the two boolean tags are replaced.
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function isScalarTag(tag: ScalarTag | CollectionTag): tag is ScalarTag {
  return 'test' in tag;
}

let cache: { from: Tags; to: Tags } | null = null;

function pyyamlTags(tags: Tags): Tags {
  // The schema is rebuilt for every document; the replacement list is computed once.
  if (cache !== null && cache.from.length === tags.length && cache.from.every((t, i) => t === tags[i])) return cache.to;
  const to = tags.map((tag) => {
    if (typeof tag === 'string' || !isScalarTag(tag) || tag.tag !== 'tag:yaml.org,2002:bool' || tag.test === undefined) return tag;
    return { ...tag, test: tag.test.test('true') ? PYYAML_TRUE : PYYAML_FALSE };
  });
  cache = { from: tags, to };
  return to;
}

export interface YamlFile {
  /** Path relative to the repository root, for problems. */
  file: string;
  doc: Document.Parsed;
  /** The top-level node, or null for an empty file. */
  root: Node | null;
  /** Errors and warnings found while parsing (already located). */
  problems: Problem[];
  /** True when parsing produced errors (the values may still be partly readable). */
  failed: boolean;
  /** 1-based line in the file of a node, counting the offset of an embedded header. */
  lineOf: (node: unknown) => number | undefined;
  /** What each alias stands for (the last anchor of its name before it), or null. */
  aliases: ReadonlyMap<Alias, Node | null>;
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * Parses one YAML document. `lineOffset` is added to every line (a candidate header
 * starts a few lines into its file). Never throws.
 */
export function parseYaml(text: string, file: string, lineOffset = 0): YamlFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter: counter,
    prettyErrors: false,
    // PyYAML keeps the last of two equal keys; a warning says so (see mapEntries).
    uniqueKeys: false,
    customTags: pyyamlTags,
    keepSourceTokens: false,
  });
  const lineAt = (offset: number): number => counter.linePos(offset).line + lineOffset;
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range === undefined ? undefined : lineAt(range[0]);
  };
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    const problem: Problem = { file, line: lineAt(error.pos[0]), message: `invalid YAML: ${firstLine(error.message)}`, severity: 'error' };
    if (error.code === 'BAD_SCALAR_START') {
      // `twitter: @handle`, or a header wrapped in ``` fences: YAML reserves @ and `,
      // so PyYAML (and Elekto) cannot read the file at all, but the value is plain
      // text and is read as written.
      const char = /reserved character (\S)/.exec(error.message)?.[1] ?? '@';
      problem.severity = 'warning';
      problem.code = 'yaml-reserved-character';
      problem.message = `a value starting with ${char} is read as text, but YAML reserves ${char} (Elekto cannot read this file): put the value in quotes`;
    }
    problems.push(problem);
  }
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, '!!') ?? 'a custom tag';
      problems.push({
        file,
        line: lineAt(warning.pos[0]),
        message: `unsupported YAML tag ${tag}: only plain YAML values are accepted`,
        severity: 'error',
      });
    } else {
      problems.push({ file, line: lineAt(warning.pos[0]), message: `YAML: ${firstLine(warning.message)}`, severity: 'warning' });
    }
  }
  const aliases = indexAliases(doc);
  if (aliases.size > MAX_ALIASES) {
    const first = aliases.keys().next().value;
    problems.push({
      file,
      line: lineOf(first) ?? 1,
      message: `${aliases.size} aliases (*name) in one file; at most ${MAX_ALIASES} are read, so this file is not (write the values out)`,
      severity: 'error',
      code: 'yaml-too-many-aliases',
    });
  }
  const failed = problems.some((p) => p.severity === 'error');
  return { file, doc, root: failed && aliases.size > MAX_ALIASES ? null : (doc.contents ?? null), problems, failed, lineOf, aliases };
}

/**
 * Every alias of the document and the node it stands for, in one pass in document
 * order: an alias means the last node anchored with its name before it (YAML 1.1).
 */
function indexAliases(doc: Document.Parsed): Map<Alias, Node | null> {
  const anchors = new Map<string, Node>();
  const aliases = new Map<Alias, Node | null>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        aliases.set(node, anchors.get(node.source) ?? null);
      } else if (typeof node.anchor === 'string') {
        anchors.set(node.anchor, node);
      }
    },
  });
  return aliases;
}

/** Follows aliases (`*name`) to the node they stand for. */
export function deref(file: YamlFile, node: unknown): Node | null {
  let current: unknown = node;
  for (let hops = 0; hops < 8 && isAlias(current); hops++) current = file.aliases.get(current) ?? null;
  if (current === null || current === undefined || isAlias(current)) return null;
  return current as Node;
}

/** A scalar's text as written (decoded for quoted and block scalars). */
export function scalarText(node: Scalar): string {
  if (typeof node.source === 'string') return node.source;
  const v: unknown = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v instanceof Date ? v.toISOString() : '';
}

export function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export interface MapEntry {
  key: string;
  keyNode: Node;
  value: Node | null;
  pair: Pair;
}

/**
 * The entries of a mapping with keys as text, in file order. Duplicate keys keep the
 * last value, as PyYAML does, with a warning; merge keys (`<<`) are reported and skipped.
 */
export function mapEntries(file: YamlFile, map: YAMLMap, problems: Problem[]): Map<string, MapEntry> {
  const out = new Map<string, MapEntry>();
  for (const pair of map.items) {
    const keyNode = deref(file, pair.key);
    if (keyNode === null || !isScalar(keyNode)) {
      problems.push({
        file: file.file,
        line: file.lineOf(pair.key) ?? file.lineOf(map),
        message: 'a key must be plain text',
        severity: 'error',
      });
      continue;
    }
    const key = scalarText(keyNode);
    if (key === '<<') {
      problems.push({
        file: file.file,
        line: file.lineOf(keyNode),
        message: 'merge keys (<<) are not supported; the entry was ignored',
        severity: 'warning',
      });
      continue;
    }
    if (out.has(key)) {
      problems.push({
        file: file.file,
        line: file.lineOf(keyNode),
        message: `"${key}" appears twice; the last one is used`,
        severity: 'warning',
      });
      out.delete(key);
    }
    out.set(key, { key, keyNode, value: deref(file, pair.value), pair });
  }
  return out;
}

export { isMap, isSeq, isScalar };
export type { YAMLMap, Scalar, Node };
