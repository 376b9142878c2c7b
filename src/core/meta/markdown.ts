// Markdown from the meta repository rendered to HTML that is safe to put in a page.
//
// Raw HTML is handled deliberately, token by token: comments (`<!-- template
// instructions -->`, common in candidate files) are dropped; the few inline tags
// communities write in bios and results (`<sup>`, `<sub>`, `<br>`, and `<super>`,
// read as `<sup>`) are kept, without attributes; every other tag is shown as text,
// escaped — exactly what `html: false` would print for it. When an allowed tag was
// kept, the page goes through sanitize-html with an allow-list of what markdown-it
// writes plus those tags, which closes a `<sup>` left open (it would otherwise raise
// the rest of the page) and is a second guard. Links and images may only point to
// http(s), mailto or relative addresses; anything else (javascript:, data:, vbscript:)
// is rendered as plain text.
//
// Elekto renders with markdown2's "cuddled lists": a numbered list may follow a
// paragraph line directly, whatever its first number (`The rest were placed:` then
// `4. Name`). CommonMark lets only `1.` do that; a block rule below lets any number.
import MarkdownIt, { type Env } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import type { Problem } from './types.js';

const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto']);

/** True for http(s), mailto and relative URLs: the only ones a meta file may link to. */
export function isAllowedUrl(url: string): boolean {
  // Browsers ignore leading spaces/control characters and tabs or newlines anywhere
  // in a URL ("java\tscript:"), so the scheme is read the way they would read it.
  const cleaned = url.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, ''); // eslint-disable-line no-control-regex
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  if (scheme === null) return !/^[\u0000-\u001f]/.test(cleaned); // eslint-disable-line no-control-regex
  return ALLOWED_SCHEMES.has((scheme[1] ?? '').toLowerCase());
}

const md = new MarkdownIt('default', { html: true, linkify: true, typographer: false });
// Bare http(s) URLs and e-mail addresses become links; bare domains ("k8s.io") do not,
// which also keeps linkify cheap on thousands of bios.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
md.validateLink = isAllowedUrl;

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const TAG = /(<\/?[A-Za-z][^<>]*>)/;
const ALLOWED_TAG = /^<(\/?)(sup|sub|super|br)(?:[\s/][^<>]*)?>$/i;

interface RenderEnv extends Env {
  /** Set when an allowed raw tag was written, so the page needs balancing. */
  keptTags?: boolean;
  /** Raw tags shown as text, for the officers' warnings. */
  shownAsText?: string[];
}

/** Raw HTML from the source: allowed tags kept (bare), everything else escaped as text. */
function rawHtml(content: string, env: RenderEnv): string {
  return content
    .replace(COMMENT, '')
    .split(TAG)
    .map((piece) => {
      const m = ALLOWED_TAG.exec(piece);
      if (m === null) {
        if (TAG.test(piece)) env.shownAsText?.push(piece);
        return md.utils.escapeHtml(piece);
      }
      env.keptTags = true;
      const name = (m[2] ?? '').toLowerCase();
      if (name === 'br') return '<br>';
      return `<${m[1] ?? ''}${name === 'super' ? 'sup' : name}>`;
    })
    .join('');
}

md.renderer.rules.html_block = (tokens, idx, _options, env) => {
  const text = rawHtml(tokens[idx]?.content ?? '', env as RenderEnv);
  return text.trim() === '' ? '' : `<p>${text.trimEnd()}</p>\n`;
};
md.renderer.rules.html_inline = (tokens, idx, _options, env) => rawHtml(tokens[idx]?.content ?? '', env as RenderEnv);

const ORDERED_ITEM = /^\d{1,9}[.)][ \t]+\S/;

// Only ever asked "does this line end the paragraph above?" (silent mode): the list
// rule then reads the list as usual, from its first number.
md.block.ruler.before(
  'paragraph',
  'cuddled_ordered_list',
  (state, startLine, _endLine, silent) => {
    if (!silent || (state.sCount[startLine] ?? 0) - state.blkIndent >= 4) return false;
    const from = (state.bMarks[startLine] ?? 0) + (state.tShift[startLine] ?? 0);
    return ORDERED_ITEM.test(state.src.slice(from, state.eMarks[startLine]));
  },
  { alt: ['paragraph'] },
);

// What markdown-it itself writes (with the options above), plus the kept raw tags.
const BALANCE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'a',
    'img',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'sup',
    'sub',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    code: ['class'],
    th: ['style'],
    td: ['style'],
  },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'recursiveEscape',
};

// Meta text always sits under the page's own <h1> (the election or candidate name):
// a Markdown "# Heading" becomes <h2>, and so on down, so a page keeps one <h1> and
// an outline that screen readers can follow. <h6> stays <h6>.
const demoted = (tag: string) => `h${String(Math.min(6, Number(tag.slice(1)) + 1))}`;
md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  if (token !== undefined) token.tag = demoted(token.tag);
  return self.renderToken(tokens, idx, options);
};
md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  if (token !== undefined) token.tag = demoted(token.tag);
  return self.renderToken(tokens, idx, options);
};

const defaultLinkOpen = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token !== undefined && !/^(#|\/(?!\/))/.test(String(token.attrGet('href') ?? ''))) {
    // Links to other sites from community-written text: no referrer, no ranking credit.
    token.attrSet('rel', 'nofollow noopener noreferrer');
  }
  return defaultLinkOpen !== undefined ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

/** Renders Markdown to sanitised HTML; blank input gives ''. Raw tags shown as text are added to `shownAsText`. */
export function renderMarkdown(source: string, shownAsText?: string[]): string {
  if (source.trim() === '') return '';
  const env: RenderEnv = shownAsText === undefined ? {} : { shownAsText };
  const html = md.render(source, env);
  return env.keptTags === true ? sanitizeHtml(html, BALANCE) : html;
}

/**
 * Renders a meta file's Markdown, with a warning per raw HTML tag shown as text (one
 * per tag name, at its first line): Elekto rendered raw HTML as it is, so a page
 * may look different here. `firstLine` is the file line of the text's first line;
 * `exactLines` false (text inside a YAML value) reports every tag at `firstLine`.
 */
export function renderMarkdownFile(
  source: string,
  where: { file: string; firstLine: number; exactLines: boolean },
  problems: Problem[],
): string {
  const tags: string[] = [];
  const html = renderMarkdown(source, tags);
  const seen = new Set<string>();
  for (const tag of tags) {
    const name = (/^<\/?([A-Za-z][\w-]*)/.exec(tag)?.[1] ?? tag).toLowerCase();
    if (seen.has(name)) continue;
    seen.add(name);
    const at = source.indexOf(tag);
    const line = where.exactLines && at >= 0 ? where.firstLine + (source.slice(0, at).match(/\n/g)?.length ?? 0) : where.firstLine;
    problems.push({
      file: where.file,
      line,
      message: `raw HTML <${name}> is shown as text (Elekto rendered it as HTML); only <sup>, <sub> and <br> are rendered: use Markdown instead`,
      severity: 'warning',
      code: 'markdown-raw-html',
    });
  }
  return html;
}
