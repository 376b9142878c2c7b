// A contributions export (devstats, a GitHub query, a spreadsheet) read into
// login → count: CSV with a header (comma, semicolon or tab separated, RFC 4180
// quotes), or JSON (an array of objects, or an object of login: count). The login and
// count columns are found by their usual names or named by the caller. Rows that are
// not a person's login (bots such as `dependabot[bot]`, blanks) are skipped with a
// warning, never silently; the same login twice (in any letter case) is summed.
import { loginProblem } from '../meta/login.js';

export interface Contribution {
  login: string;
  count: number;
}

export interface ExportProblem {
  /** 1-based line (CSV) or entry (JSON), when known. */
  line?: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface ContributionsRead {
  rows: Contribution[];
  problems: ExportProblem[];
}

export interface ColumnOptions {
  loginColumn?: string;
  countColumn?: string;
}

const LOGIN_NAMES = [
  'login',
  'githublogin',
  'github',
  'githubid',
  'githubhandle',
  'githubusername',
  'username',
  'user',
  'author',
  'actor',
  'developer',
  'name',
];
const COUNT_NAMES = ['contributions', 'contributioncount', 'count', 'value', 'total', 'events', 'activity'];

function simplify(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The column for `wanted` (given by the caller, or the first of `usual` present). */
function findColumn(names: readonly string[], wanted: string | undefined, usual: readonly string[], what: string): number | string {
  if (wanted !== undefined) {
    const exact = names.findIndex((n) => n.trim() === wanted.trim());
    const i = exact >= 0 ? exact : names.findIndex((n) => simplify(n) === simplify(wanted));
    return i >= 0 ? i : `no column named "${wanted}" (columns: ${names.map((n) => `"${n}"`).join(', ')})`;
  }
  for (const u of usual) {
    const i = names.findIndex((n) => simplify(n) === u);
    if (i >= 0) return i;
  }
  return `no ${what} column found among ${names.map((n) => `"${n}"`).join(', ')}; name it with --${what}-column`;
}

/** Splits one CSV line on `delimiter`, honouring double quotes ("" inside quotes is a quote). */
export function splitDelimited(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** A count as exports write it: `1234`, `1,234`, `1 234`, `50.0`. NaN when it is not one. */
function readCount(text: string): number {
  const plain = text.replace(/[\s,_']/g, '');
  return /^\d+(\.\d+)?$/.test(plain) ? Number(plain) : Number.NaN;
}

class Collector {
  readonly rows: Contribution[] = [];
  readonly problems: ExportProblem[] = [];
  readonly #byLogin = new Map<string, Contribution>();

  add(rawLogin: string, rawCount: string | number, line: number): void {
    const login = rawLogin.trim().replace(/^@/, '');
    if (login === '') {
      this.problems.push({ line, message: 'no login; row skipped', severity: 'warning' });
      return;
    }
    const why = loginProblem(login);
    if (why !== null) {
      this.problems.push({ line, message: `${why}; row skipped`, severity: 'warning' });
      return;
    }
    const count = typeof rawCount === 'number' ? rawCount : readCount(rawCount);
    if (!Number.isFinite(count) || count < 0) {
      this.problems.push({
        line,
        message: `the count of ${login} (${JSON.stringify(String(rawCount))}) is not a number; row skipped`,
        severity: 'warning',
      });
      return;
    }
    const key = login.toLowerCase();
    const earlier = this.#byLogin.get(key);
    if (earlier !== undefined) {
      this.problems.push({ line, message: `${login} appears again; the counts are added`, severity: 'warning' });
      earlier.count += count;
      return;
    }
    const row = { login, count };
    this.#byLogin.set(key, row);
    this.rows.push(row);
  }
}

export function parseContributionsCsv(text: string, options: ColumnOptions = {}): ContributionsRead {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out = new Collector();
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0)
    return {
      rows: [],
      problems: [{ message: 'the file is empty; expected a header row naming the login and count columns', severity: 'error' }],
    };
  const header = lines[headerAt] ?? '';
  // The delimiter the header uses most: devstats and spreadsheets write ',', ';' or tabs.
  const delimiter = [',', ';', '\t'].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ',';
  const names = splitDelimited(header, delimiter);
  const loginCol = findColumn(names, options.loginColumn, LOGIN_NAMES, 'login');
  const countCol = findColumn(names, options.countColumn, COUNT_NAMES, 'count');
  if (typeof loginCol === 'string' || typeof countCol === 'string') {
    return {
      rows: [],
      problems: [{ line: headerAt + 1, message: typeof loginCol === 'string' ? loginCol : String(countCol), severity: 'error' }],
    };
  }
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const cells = splitDelimited(line, delimiter);
    out.add(cells[loginCol] ?? '', cells[countCol] ?? '', i + 1);
  }
  return { rows: out.rows, problems: out.problems };
}

export function parseContributionsJson(text: string, options: ColumnOptions = {}): ContributionsRead {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return {
      rows: [],
      problems: [{ message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, severity: 'error' }],
    };
  }
  const out = new Collector();
  if (Array.isArray(data)) {
    data.forEach((entry: unknown, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        out.problems.push({
          line: i + 1,
          message: 'each entry must be an object with a login and a count; entry skipped',
          severity: 'warning',
        });
        return;
      }
      const record = entry as Record<string, unknown>;
      const keys = Object.keys(record);
      const loginKey = findColumn(keys, options.loginColumn, LOGIN_NAMES, 'login');
      const countKey = findColumn(keys, options.countColumn, COUNT_NAMES, 'count');
      if (typeof loginKey === 'string' || typeof countKey === 'string') {
        out.problems.push({
          line: i + 1,
          message: `${typeof loginKey === 'string' ? loginKey : String(countKey)}; entry skipped`,
          severity: 'warning',
        });
        return;
      }
      const login = record[keys[loginKey] ?? ''];
      const count = record[keys[countKey] ?? ''];
      out.add(
        typeof login === 'string' ? login : '',
        typeof count === 'number' ? count : typeof count === 'string' ? count : Number.NaN,
        i + 1,
      );
    });
    return { rows: out.rows, problems: out.problems };
  }
  if (data !== null && typeof data === 'object') {
    Object.entries(data as Record<string, unknown>).forEach(([login, count], i) => {
      out.add(login, typeof count === 'number' ? count : typeof count === 'string' ? count : Number.NaN, i + 1);
    });
    return { rows: out.rows, problems: out.problems };
  }
  return {
    rows: [],
    problems: [{ message: 'expected an array of {login, count} objects or an object of login: count', severity: 'error' }],
  };
}

/** Reads an export by its file name: `.json` as JSON, anything else as CSV. */
export function parseContributions(text: string, fileName: string, options: ColumnOptions = {}): ContributionsRead {
  return /\.json$/i.test(fileName) ? parseContributionsJson(text, options) : parseContributionsCsv(text, options);
}

/**
 * A list of approved exceptions: one login per line; `#` starts a comment; a leading
 * `- ` (a voters.yaml line, as the officer page shows it) or `@` is allowed. A line
 * that is not a login is an error: an approved voter must never be dropped silently.
 */
export function parseLoginList(text: string): { logins: string[]; problems: ExportProblem[] } {
  const logins: string[] = [];
  const problems: ExportProblem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim().replace(/^-\s+/, '').replace(/^@/, '').trim();
      if (line === '') return;
      const why = loginProblem(line);
      if (why === null) logins.push(line);
      else problems.push({ line: i + 1, message: why, severity: 'error' });
    });
  return { logins, problems };
}
