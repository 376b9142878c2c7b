// Parts of a page that depend only on the meta snapshot (an election's description,
// its dates, a candidate's line or profile) are rendered once and reused, so a
// request renders only what is its own (the voter's situation, the CSRF token, the
// flash messages). A fragment is kept beside the object it renders (an Election or a
// Candidate of one snapshot) in a WeakMap: it is per revision and per election by
// construction (a sync builds new objects, and the old fragments go with the old
// snapshot), and it can never be served for another election or revision. Each object
// keeps at most a few variants (a list line or a page header changes with its phase
// and its "in 3 days"), the oldest dropped first, so the cache is bounded by the
// snapshot it belongs to.
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { HtmlEscapedString } from 'hono/utils/html';
import { trusted } from './render.js';

export const VARIANTS_PER_OBJECT = 16;

const kept = new WeakMap<object, Map<string, HtmlEscapedString>>();

/**
 * The HTML of `build()` for (`owner`, `variant`), rendered on first use. `variant`
 * must name everything besides `owner` that the fragment shows.
 */
export function fragment(owner: object, variant: string, build: () => JSX.Element): HtmlEscapedString {
  let variants = kept.get(owner);
  if (variants === undefined) {
    variants = new Map();
    kept.set(owner, variants);
  }
  const found = variants.get(variant);
  if (found !== undefined) return found;
  const node = build();
  if (node instanceof Promise) throw new Error('fragments must be synchronous');
  const html = trusted(node.toString());
  if (variants.size >= VARIANTS_PER_OBJECT) {
    const oldest = variants.keys().next();
    if (oldest.done !== true) variants.delete(oldest.value);
  }
  variants.set(variant, html);
  return html;
}
