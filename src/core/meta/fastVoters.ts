// A fast path for the usual voters.yaml: `eligible_voters:` followed by one
// `- login` per line, with blank lines and comments. A large community's repository
// holds hundreds of these files with thousands of lines each, and the general YAML
// parser takes ~15 ms per thousand lines; this scanner takes well under 1 ms.
//
// It accepts only lines whose YAML meaning is certain: every accepted login is a plain
// scalar that YAML would read as the same text, and any other line (a second key, a
// tab, a quote, a flow list, `null`, a document marker...) returns null, and the file
// goes through the full parser, which reports located problems.
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;
const KEY_LINE = /^eligible_voters: *(?:#.*)?$/;
const ITEM_LINE = /^( *)- +([A-Za-z0-9][A-Za-z0-9-]{0,38})(?: +#.*)? *$/;
const YAML_NULLS = new Set(['null', 'Null', 'NULL']);

export interface SimpleVoters {
  logins: string[];
  /** 1-based line of each login. */
  lines: number[];
}

/** The logins of a plain voters.yaml, or null when the file needs the full parser. */
export function scanSimpleVoters(text: string): string[] | null {
  return scanSimpleVoterLines(text)?.logins ?? null;
}

/** `scanSimpleVoters` with the line of each login. */
export function scanSimpleVoterLines(text: string): SimpleVoters | null {
  const lines = text.split('\n');
  const logins: string[] = [];
  const at: number[] = [];
  let seenKey = false;
  let indent = -1;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (BLANK_OR_COMMENT.test(line)) continue;
    if (!seenKey) {
      if (!KEY_LINE.test(line)) return null;
      seenKey = true;
      continue;
    }
    const m = ITEM_LINE.exec(line);
    if (m === null) return null;
    const itemIndent = (m[1] ?? '').length;
    if (indent === -1) indent = itemIndent;
    else if (itemIndent !== indent) return null;
    const login = m[2] ?? '';
    if (YAML_NULLS.has(login)) return null;
    logins.push(login);
    at.push(i + 1);
  }
  return seenKey && logins.length > 0 ? { logins, lines: at } : null;
}
