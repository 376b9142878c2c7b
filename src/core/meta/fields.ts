// Typed reads of YAML values with a located problem for each wrong one. Plain
// scalars are read from their source text where the YAML type would lose what the
// operator wrote: a voter `007` stays "007" (not 7), a name `2024` stays "2024".
import type { Problem } from './types.js';
import { loginProblem } from './login.js';
import { parseTimestamp } from './timestamp.js';
import { deref, isNullNode, isScalar, isSeq, scalarText } from './yaml.js';
import type { Node, YamlFile } from './yaml.js';

export class FieldReader {
  constructor(
    readonly y: YamlFile,
    readonly problems: Problem[],
  ) {}

  error(node: unknown, message: string): void {
    this.problems.push({ file: this.y.file, line: this.y.lineOf(node), message, severity: 'error' });
  }

  warn(node: unknown, message: string, code?: string): void {
    this.problems.push({
      file: this.y.file,
      line: this.y.lineOf(node),
      message,
      severity: 'warning',
      ...(code === undefined ? {} : { code }),
    });
  }

  /** Text, or null when absent/null. Collections are an error. */
  text(key: string, node: Node | null): string | null {
    if (isNullNode(node) || node === null) return null;
    if (isScalar(node)) return scalarText(node);
    this.error(node, `${key} must be text`);
    return null;
  }

  bool(key: string, node: Node | null, fallback: boolean): boolean {
    if (isNullNode(node) || node === null) return fallback;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(node, `${key} must be True or False (got ${describe(node)})`);
    return fallback;
  }

  int(key: string, node: Node | null, fallback: number): number {
    if (isNullNode(node) || node === null) return fallback;
    if (isScalar(node)) {
      if (typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
      if (typeof node.value === 'string' && /^\s*\d+\s*$/.test(node.value)) return Number(node.value);
    }
    this.error(node, `${key} must be a whole number (got ${describe(node)})`);
    return fallback;
  }

  timestamp(key: string, node: Node | null): Date | null {
    if (isNullNode(node) || node === null) return null;
    if (isScalar(node) && (node.value instanceof Date || typeof node.value === 'string')) {
      const date = parseTimestamp(scalarText(node));
      if (date !== null) return date;
    }
    this.error(
      node,
      `${key} must be a date and time such as 2024-09-27 11:59:59 (UTC) or 2024-09-27T11:59:59+02:00 (got ${describe(node)})`,
    );
    return null;
  }

  /** A list of strings (null or missing: empty; one text: a list of one, with a warning). */
  strings(key: string, node: Node | null): string[] {
    if (isNullNode(node) || node === null) return [];
    if (isScalar(node)) {
      this.warn(node, `${key} should be a list ("- ${scalarText(node)}"); it is read as a list of one`, 'not-a-list');
      return [scalarText(node).trim()];
    }
    if (!isSeq(node)) {
      this.error(node, `${key} must be a list`);
      return [];
    }
    const out: string[] = [];
    for (const raw of node.items) {
      const item = deref(this.y, raw);
      if (isNullNode(item)) continue;
      if (item !== null && isScalar(item)) out.push(scalarText(item).trim());
      else this.error(item, `each entry of ${key} must be text`);
    }
    return out;
  }

  /**
   * A list of GitHub logins, strictly: anything else is an error (for tools that
   * write or check a roll, such as `scrutin voters build`).
   */
  logins(key: string, node: Node | null): string[] {
    return this.readLogins(key, node, null).map((l) => l.login);
  }

  /**
   * A list of GitHub logins as the server reads it, with each login's line. An entry
   * that cannot be a login (an e-mail address, a name with spaces, a list) is left out
   * with a warning of kind `code`: Elekto kept it, but nobody can sign in as it. One
   * login written without a list is read as a list of one, with a warning.
   */
  locatedLogins(key: string, node: Node | null, code: string): LocatedLogin[] {
    return this.readLogins(key, node, code);
  }

  /** Strict when `lenientCode` is null; else what Elekto tolerated is a warning of that kind. */
  private readLogins(key: string, node: Node | null, lenientCode: string | null): LocatedLogin[] {
    if (isNullNode(node) || node === null) return [];
    const lenient = lenientCode !== null;
    const items = isSeq(node) ? node.items : lenient && isScalar(node) ? [node] : null;
    if (items === null) {
      this.error(node, `${key} must be a list of GitHub logins (one "- login" per line)`);
      return [];
    }
    if (!isSeq(node)) this.warn(node, `${key} should be a list, one "- login" per line; the value is read as a list of one`, 'not-a-list');
    const out: LocatedLogin[] = [];
    for (const raw of items) {
      const item = deref(this.y, raw);
      if (isNullNode(item)) {
        this.warn(raw, `an empty entry in ${key} was ignored`, 'empty-entry');
        continue;
      }
      if (item === null || !isScalar(item)) {
        if (lenient) this.warn(item ?? raw, `an entry of ${key} is not a GitHub login (a list or a map); it was ignored`, lenientCode);
        else this.error(item, `each entry of ${key} must be a GitHub login`);
        continue;
      }
      const login = scalarText(item).trim();
      const why = loginProblem(login);
      if (why === null) out.push({ login, line: this.y.lineOf(item) });
      else if (lenient) this.warn(item, `${key}: ${why}; nobody can sign in as it, so it is left out`, lenientCode);
      else this.error(item, `${key}: ${why}`);
    }
    return out;
  }
}

export interface LocatedLogin {
  login: string;
  line: number | undefined;
}

function describe(node: Node): string {
  if (isScalar(node)) {
    const text = scalarText(node);
    return text.length > 40 ? `"${text.slice(0, 40)}…"` : `"${text}"`;
  }
  return isSeq(node) ? 'a list' : 'a map';
}
