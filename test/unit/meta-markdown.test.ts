// Markdown from meta files never carries script into a page: no raw HTML, no event
// handlers, no javascript:/data:/vbscript: links or images, in any meta file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedUrl, renderMarkdown } from '../../src/core/meta/markdown.js';
import { parseElectionFolder } from '../../src/core/meta/election.js';
import { folder, GOOD_ELECTION } from '../metarepo/fixture.js';

const ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click]( javascript:alert(1))',
  '<javascript:alert(1)>',
  '![x](data:image/png;base64,iVBORw0KGgo=)',
  '![x](javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '<!--><script>alert(1)</script>-->',
  '`<script>` in code is fine\n\n```\n<script>alert(1)</script>\n```',
];

/** Anything that would run in a browser. */
function assertInert(html: string, source: string): void {
  assert.doesNotMatch(html, /<script/i, source);
  assert.doesNotMatch(html, /<(img|svg|iframe|div|a)\b[^>]*\son\w+\s*=/i, source);
  assert.doesNotMatch(html, /<[a-z][^>]*\son\w+=/i, source);
  assert.doesNotMatch(html, /(href|src)\s*=\s*"\s*(javascript|vbscript|data):/i, source);
  assert.doesNotMatch(html, /<(iframe|svg|div|object|embed|style)\b/i, source);
}

test('XSS attempts render as inert text', () => {
  for (const attack of ATTACKS) assertInert(renderMarkdown(attack), attack);
});

test('raw HTML is shown escaped, as html: false would, and HTML comments disappear', () => {
  assert.equal(renderMarkdown('<b>bold</b> text'), '<p>&lt;b&gt;bold&lt;/b&gt; text</p>\n');
  assert.equal(renderMarkdown('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  assert.equal(renderMarkdown('<!-- a note\nfor editors -->\n\n## Title'), '<h2>Title</h2>\n');
  assert.equal(renderMarkdown('Before <!-- hidden --> after'), '<p>Before  after</p>\n');
});

test('safe links and images are kept: http(s), mailto, relative and anchors', () => {
  const html = renderMarkdown('[a](https://example.org/x) [b](http://example.org) [c](mailto:a@example.org) [d](/app/elections) [e](#top) [f](../guide.md) ![g](https://example.org/p.png) ![h](img/p.png)');
  for (const href of ['https://example.org/x', 'http://example.org', 'mailto:a@example.org', '/app/elections', '#top', '../guide.md']) {
    assert.ok(html.includes(`href="${href}"`), href);
  }
  assert.ok(html.includes('src="https://example.org/p.png"'));
  assert.ok(html.includes('src="img/p.png"'));
});

test('external links get rel=nofollow noopener noreferrer; bare URLs are linked', () => {
  const html = renderMarkdown('See https://example.org/a and [home](/app).');
  assert.match(html, /<a href="https:\/\/example\.org\/a" rel="nofollow noopener noreferrer">/);
  assert.match(html, /<a href="\/app">home<\/a>/);
});

test('isAllowedUrl: the scheme decides, the way a browser reads it', () => {
  for (const ok of ['https://x', 'HTTP://x', 'mailto:a@b', '/a', 'a/b', '#x', '?q=1', '//cdn.example/x']) assert.equal(isAllowedUrl(ok), true, ok);
  for (const bad of ['javascript:alert(1)', ' javascript:x', '\u0001javascript:x', 'java\nscript:x', 'data:image/png;base64,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://x']) {
    assert.equal(isAllowedUrl(bad), false, JSON.stringify(bad));
  }
});

test('every Markdown field of an election is sanitised: description, results, eligibility, exception text, bios', () => {
  const attack = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![y](data:image/png;base64,AA==)';
  const yaml = GOOD_ELECTION
    .replace('eligibility: Members may vote.', `eligibility: '${attack}'`)
    .replace('exception_description: Ask.', `exception_description: '${attack}'`);
  const entry = parseElectionFolder(folder({
    'election.yaml': yaml,
    'election_desc.md': attack,
    'results.md': attack,
    'candidate-ann.md': `---\nname: Ann\nID: ann\ninfo:\n  - employer: Acme\n---\n${attack}\n`,
  }));
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  const e = entry.election;
  for (const html of [e.eligibilityHtml, e.exceptionDescriptionHtml, e.descriptionHtml, e.resultsHtml ?? '', e.candidates[0]?.bioHtml ?? '']) {
    assertInert(html, html);
    assert.match(html, /&lt;script&gt;/);
  }
});
