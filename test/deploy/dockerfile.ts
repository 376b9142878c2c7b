// A reader for the subset of Dockerfile syntax Scrutin's Dockerfile uses, and for
// .dockerignore, so the Dockerfile test can replay the build without an engine.
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  /** Flags such as --from=build, --interval=30s. */
  flags: Record<string, string>;
  /** The rest of the line, continuations joined. */
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Joins continuation lines, drops comments, splits keyword, flags and arguments. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  let buffer = '';
  let startLine = 0;
  const args = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (buffer === '' && (raw.trim() === '' || raw.trim().startsWith('#'))) continue;
    if (buffer !== '' && raw.trim().startsWith('#')) continue; // comments inside a continuation
    if (buffer === '') startLine = i + 1;
    if (raw.endsWith('\\')) {
      buffer += `${raw.slice(0, -1)} `;
      continue;
    }
    const full = (buffer + raw).trim();
    buffer = '';
    const m = /^(\w+)\s+(.*)$/s.exec(full);
    if (m === null) throw new Error(`line ${startLine}: cannot read "${full}"`);
    const keyword = m[1]!.toUpperCase();
    let rest = m[2]!;
    const flags: Record<string, string> = {};
    for (let f = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest); f !== null; f = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest)) {
      flags[f[1]!] = f[2] ?? 'true';
      rest = rest.slice(f[0].length);
    }
    const instruction: Instruction = { keyword, flags, args: rest.trim(), line: startLine };
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value] = rest.trim().split('=', 2);
      args.set(name!, value ?? '');
      continue;
    }
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest.trim());
      if (f === null) throw new Error(`line ${startLine}: cannot read FROM ${rest}`);
      const from = f[1]!.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '');
      stages.push({ name: f[2] ?? String(stages.length), from, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`line ${startLine}: ${keyword} before FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

export function readDockerfile(path: string): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** An exec-form argument list (`["node", "bin/scrutin.js"]`). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec-form list: ${args}`);
  return parsed;
}

/** `ENV A=1 B="two words"` → entries. */
export function envPairs(args: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    out.push([m[1]!, value]);
  }
  return out;
}

/** `COPY [--from=x] src... dest` → sources and destination. */
export function copyParts(args: string): { sources: string[]; dest: string } {
  const words = args.trim().startsWith('[') ? execForm(args) : args.trim().split(/\s+/);
  const dest = words.at(-1);
  if (dest === undefined || words.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { sources: words.slice(0, -1), dest };
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Docker's .dockerignore rules, as far as Scrutin needs them: patterns relative to
 * the context root, `*`, `**`, `?`, `!` to re-include; the last matching line wins,
 * and excluding a folder excludes what is inside it.
 */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const negate = l.startsWith('!');
    const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
    return { negate, re: globToRegExp(pattern) };
  });
  return (path: string) => {
    const parts = path.split('/');
    let ignored = false;
    for (let depth = 1; depth <= parts.length; depth++) {
      const prefix = parts.slice(0, depth).join('/');
      for (const rule of rules) if (rule.re.test(prefix)) ignored = !rule.negate;
      if (ignored) return true;
    }
    return ignored;
  };
}
