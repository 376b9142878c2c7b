// The one check for a user-supplied redirect target (`next`, Elekto's `r`): only a path
// on this site is ever used, and "on this site" is decided on the path as a browser,
// Fastify or a proxy will read it, not on the text as sent. Elekto had an open
// redirect; so did Scrutin before issue 14, because `/.//evil.example` passed a
// "starts with one slash" test and then resolved to `//evil.example`, which a browser
// takes for another host.
//
// A value is used only if:
//  - as sent, it is a path starting with exactly one `/`, with no backslash (browsers
//    read `\` as `/`), no whitespace or control character (browsers drop tabs and
//    newlines inside URLs, so `/<TAB>/evil` is `//evil`);
//  - resolved as a browser resolves it (dot segments, `%2e` counted as a dot), it stays
//    on this origin and its path does not start with `//`;
//  - the same holds for its path percent-decoded, once and again (a server or proxy
//    that decodes `%2F` or `%5C` must not find `//evil` or `\evil` either).
// What is returned is the resolved form (path and query), never the raw text.

const BASE = 'http://same-site.invalid';
const MAX_LENGTH = 2000;
/** Decoding rounds checked; a value still changing after them is refused. */
const DECODE_ROUNDS = 3;

/**
 * Control characters (C0, DEL, C1) and backslashes; as sent, spaces too. Once decoded a
 * space is only a space, but controls and backslashes stay dangerous.
 */
function hasForbidden(text: string, allowSpace: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c || (c === 0x20 && !allowSpace)) return true;
  }
  return false;
}

/** The path a browser would request for `path` on this site, or null if it leaves it. */
function resolvedPath(path: string, decoded: boolean): URL | null {
  if (hasForbidden(path, decoded) || !path.startsWith('/') || path.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(path, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.pathname.startsWith('//')) return null;
  return url;
}

export function safeNext(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return null;
  const url = resolvedPath(raw, false);
  if (url === null) return null;
  let path = url.pathname;
  for (let round = 0; ; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    if (decoded === path) break;
    if (round === DECODE_ROUNDS) return null;
    const next = resolvedPath(decoded, true);
    if (next === null) return null;
    path = decoded;
  }
  const out = `${url.pathname}${url.search}`;
  return out.length <= MAX_LENGTH ? out : null;
}
