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

/** Anything that would run in a browser. Escaped text (`&lt;a href="javascript:…`) is text: only real tags are checked for attributes. */
function assertInert(html: string, source: string): void {
  assert.doesNotMatch(html, /<script/i, source);
  assert.doesNotMatch(html, /<(img|svg|iframe|div|a)\b[^>]*\son\w+\s*=/i, source);
  assert.doesNotMatch(html, /<[a-z][^>]*\son\w+=/i, source);
  for (const tag of html.match(/<[a-z][^<>]*>/gi) ?? []) {
    assert.doesNotMatch(tag, /(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):/i, source);
  }
  assert.doesNotMatch(html, /<(iframe|svg|div|object|embed|style)\b/i, source);
}

test('XSS attempts render as inert text', () => {
  for (const attack of ATTACKS) assertInert(renderMarkdown(attack), attack);
});

test('raw HTML is shown escaped, as html: false would, and HTML comments disappear', () => {
  assert.equal(renderMarkdown('<b>bold</b> text'), '<p>&lt;b&gt;bold&lt;/b&gt; text</p>\n');
  assert.equal(renderMarkdown('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
  assert.equal(renderMarkdown('<!-- a note\nfor editors -->\n\n## Title'), '<h3>Title</h3>\n');
  assert.equal(renderMarkdown('Before <!-- hidden --> after'), '<p>Before  after</p>\n');
});

test('safe links and images are kept: http(s), mailto, relative and anchors', () => {
  const html = renderMarkdown(
    '[a](https://example.org/x) [b](http://example.org) [c](mailto:a@example.org) [d](/app/elections) [e](#top) [f](../guide.md) ![g](https://example.org/p.png) ![h](img/p.png)',
  );
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
  for (const ok of ['https://x', 'HTTP://x', 'mailto:a@b', '/a', 'a/b', '#x', '?q=1', '//cdn.example/x'])
    assert.equal(isAllowedUrl(ok), true, ok);
  for (const bad of [
    'javascript:alert(1)',
    ' javascript:x',
    '\u0001javascript:x',
    'java\nscript:x',
    'data:image/png;base64,x',
    'vbscript:x',
    'file:///etc/passwd',
    'ftp://x',
  ]) {
    assert.equal(isAllowedUrl(bad), false, JSON.stringify(bad));
  }
});

test('every Markdown field of an election is sanitised: description, results, eligibility, exception text, bios', () => {
  const attack = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![y](data:image/png;base64,AA==)';
  const yaml = GOOD_ELECTION.replace('eligibility: Members may vote.', `eligibility: '${attack}'`).replace(
    'exception_description: Ask.',
    `exception_description: '${attack}'`,
  );
  const entry = parseElectionFolder(
    folder({
      'election.yaml': yaml,
      'election_desc.md': attack,
      'results.md': attack,
      'candidate-ann.md': `---\nname: Ann\nID: ann\ninfo:\n  - employer: Acme\n---\n${attack}\n`,
    }),
  );
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  const e = entry.election;
  for (const html of [
    e.eligibilityHtml,
    e.exceptionDescriptionHtml,
    e.descriptionHtml,
    e.resultsHtml ?? '',
    e.candidates[0]?.bioHtml ?? '',
  ]) {
    assertInert(html, html);
    assert.match(html, /&lt;script&gt;/);
  }
});

test("a numbered list right after a paragraph line is a list, whatever its first number (Elekto's cuddled lists)", () => {
  const html = renderMarkdown('The rest of the candidates were placed as follows:\n4. [Cici](https://example.org/cici)\n5. Dan\n');
  assert.equal(
    html,
    '<p>The rest of the candidates were placed as follows:</p>\n<ol start="4">\n<li><a href="https://example.org/cici" rel="nofollow noopener noreferrer">Cici</a></li>\n<li>Dan</li>\n</ol>\n',
  );
  // As before: 1. after a paragraph, bullets after a paragraph, and a number inside a code block.
  assert.match(renderMarkdown('Text\n1. one\n'), /<p>Text<\/p>\n<ol>\n<li>one<\/li>/);
  assert.match(renderMarkdown('Text\n- one\n'), /<p>Text<\/p>\n<ul>/);
  assert.equal(renderMarkdown('    code\n    4. still code\n'), '<pre><code>code\n4. still code\n</code></pre>\n');
  // A number with nothing after it does not end a paragraph.
  assert.equal(renderMarkdown('Text\n4.\n'), '<p>Text\n4.</p>\n');
});

test('<sup>, <sub>, <br> and <super> (read as <sup>) render, without attributes; other tags stay text', () => {
  assert.equal(
    renderMarkdown('x<sup>2</sup> H<sub>2</sub>O<br>next<br/>10<super>3</super>'),
    '<p>x<sup>2</sup> H<sub>2</sub>O<br />next<br />10<sup>3</sup></p>\n',
  );
  assert.equal(renderMarkdown('<SUP class="big" onclick="alert(1)">1</SUP>'), '<p><sup>1</sup></p>\n');
  assert.equal(renderMarkdown('<b>bold</b> x<sup>2</sup>'), '<p>&lt;b&gt;bold&lt;/b&gt; x<sup>2</sup></p>\n');
  // A <sup> left open is closed where its paragraph ends; a stray closing tag disappears.
  assert.equal(renderMarkdown('<sup>open\n\nnext'), '<p><sup>open</sup></p>\n<p>next</p>\n');
  assert.equal(renderMarkdown('a </sub> b'), '<p>a  b</p>\n');
  // In code, tags are code.
  assert.equal(renderMarkdown('`<sup>1</sup>`'), '<p><code>&lt;sup&gt;1&lt;/sup&gt;</code></p>\n');
});

test('XSS attempts mixed with the allowed tags render as inert text', () => {
  for (const attack of ATTACKS) {
    for (const mixed of [`<sup>${attack}</sup>`, `x<sup>1</sup> ${attack}`, `${attack}<br>`, `<sub>${attack}`])
      assertInert(renderMarkdown(mixed), mixed);
  }
  assertInert(renderMarkdown('<sup><img src=x onerror=alert(1)></sup>'), 'img in sup');
  assertInert(renderMarkdown('<sup/onmouseover=alert(1)>x</sup>'), 'slash attribute');
  assert.match(renderMarkdown('<sup>1</sup><script>alert(1)</script>'), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('raw HTML shown as text is a warning for the officers, one per tag name, at its line', () => {
  const entry = parseElectionFolder(
    folder({
      'election_desc.md': '# Title\n\nx<sup>2</sup> is fine.\n\n<center>Hi</center> and <b>bold</b>\n\n<b>again</b>\n',
      'candidate-ann.md': `---\nname: Ann\nID: ann\ninfo:\n  - employer: Acme\n---\n\n<details>more</details>\n`,
    }),
  );
  assert.ok(entry.ok, JSON.stringify(entry.problems));
  assert.deepEqual(
    entry.problems.map((p) => [p.file, p.line, p.code]),
    [
      ['elections/test/candidate-ann.md', 8, 'markdown-raw-html'],
      ['elections/test/election_desc.md', 5, 'markdown-raw-html'],
      ['elections/test/election_desc.md', 5, 'markdown-raw-html'],
    ],
  );
  assert.match(entry.problems[1]?.message ?? '', /raw HTML <center> is shown as text/);
  assert.match(entry.problems[2]?.message ?? '', /raw HTML <b> is shown as text/);
});

test("Markdown headings sit under the page's <h1>: each one level down, <h6> stays <h6>", () => {
  const html = renderMarkdown('# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\nSetext\n======\n\n<sup>x</sup>');
  assert.doesNotMatch(html, /<h1/);
  for (const [level, text] of [
    [2, 'One'],
    [3, 'Two'],
    [4, 'Three'],
    [5, 'Four'],
    [6, 'Five'],
    [6, 'Six'],
    [2, 'Setext'],
  ] as const)
    assert.ok(html.includes(`<h${String(level)}>${text}</h${String(level)}>`), `${text} as h${String(level)}: ${html}`);
});
