// Markdown from the meta repository rendered to HTML that is safe to put in a page.
//
// Raw HTML never reaches the output. markdown-it recognises HTML here only so that it
// can be handled deliberately: comments (`<!-- template instructions -->`, common in
// candidate files) are dropped, and every other tag is shown as text, escaped —
// exactly what `html: false` would print for it. Links and images may only point to
// http(s), mailto or relative addresses; anything else (javascript:, data:, vbscript:)
// is rendered as plain text.
import MarkdownIt from 'markdown-it';

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

function escapedHtml(content: string): string {
  return md.utils.escapeHtml(content.replace(COMMENT, ''));
}

md.renderer.rules.html_block = (tokens, idx) => {
  const text = escapedHtml(tokens[idx]?.content ?? '');
  return text.trim() === '' ? '' : `<p>${text.trimEnd()}</p>\n`;
};
md.renderer.rules.html_inline = (tokens, idx) => escapedHtml(tokens[idx]?.content ?? '');

const defaultLinkOpen = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token !== undefined && !/^(#|\/(?!\/))/.test(String(token.attrGet('href') ?? ''))) {
    // Links to other sites from community-written text: no referrer, no ranking credit.
    token.attrSet('rel', 'nofollow noopener noreferrer');
  }
  return defaultLinkOpen !== undefined ? defaultLinkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};

/** Renders Markdown to sanitised HTML; blank input gives ''. */
export function renderMarkdown(source: string): string {
  if (source.trim() === '') return '';
  return md.render(source);
}
