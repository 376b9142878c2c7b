// A community's pages under /c/<key>/… are the very pages a single-community Scrutin
// serves at /app/…, rendered by the same views. The views write Elekto's plain paths
// (/app/elections/x, /elections, /v1/…); for a page served under a prefix, those
// paths are prefixed on the way out, in the HTML and in redirects. Paths that are the
// service's own, whatever the community (/assets/, /login, /logout, /oauth/, /health,
// /metrics, and /c/… itself), are left alone: sessions are shared by every community
// on a host. Doing it here keeps every view (and Elekto's URLs) unaware of prefixes;
// the alternative, a base path threaded through each of the views' links, would
// have to be remembered by every future link.

/** The first path segments that belong to a community (everything else is the service's). */
const COMMUNITY_SEGMENTS = new Set(['app', 'elections', 'v1']);

/** Whether a site-relative path (starting with one /) is one of a community's. */
function isCommunityPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//')) return false;
  if (path === '/' || path.startsWith('/?') || path.startsWith('/#')) return true;
  const first = /^\/([^/?#]*)/.exec(path)?.[1] ?? '';
  return COMMUNITY_SEGMENTS.has(first);
}

/** `path` under `base` (`/c/k8s`) when it is a community's path; unchanged otherwise. */
export function prefixPath(path: string, base: string): string {
  if (!isCommunityPath(path)) return path;
  return path === '/' ? `${base}/` : `${base}${path}`;
}

/** A `next` value (URL-encoded path) inside a link to the sign-in page. */
function prefixNext(query: string, base: string): string {
  return query.replace(/(^|[?&;]|&amp;)next=([^&"'#]*)/g, (whole, sep: string, value: string) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      return whole;
    }
    return `${sep}next=${encodeURIComponent(prefixPath(decoded, base))}`;
  });
}

const ATTRIBUTE = /\b(href|action|src|formaction)=(["'])(\/[^"']*)\2/g;

/** Every community link of an HTML page, prefixed with `base`; sign-in links return to the prefixed page. */
export function prefixHtml(html: string, base: string): string {
  return html.replace(ATTRIBUTE, (_whole, name: string, quote: string, value: string) => {
    const path = value.startsWith('/login') ? prefixNext(value, base) : prefixPath(value, base);
    return `${name}=${quote}${path}${quote}`;
  });
}

/** A redirect's Location: a community path is prefixed; a sign-in redirect keeps the prefixed page to return to. */
export function prefixLocation(location: string, base: string): string {
  if (location.startsWith('/login')) return prefixNext(location, base);
  return prefixPath(location, base);
}
