import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixHtml, prefixLocation, prefixPath } from '../../src/http/communityLinks.js';

test("a community's paths are prefixed; the service's own are not", () => {
  const cases: Array<[string, string]> = [
    ['/', '/c/k8s/'],
    ['/app', '/c/k8s/app'],
    ['/app/elections/2021---GB/vote?x=1#y', '/c/k8s/app/elections/2021---GB/vote?x=1#y'],
    ['/elections', '/c/k8s/elections'],
    ['/v1/webhooks/meta/sync', '/c/k8s/v1/webhooks/meta/sync'],
    ['/application', '/application'],
    ['/assets/site.css', '/assets/site.css'],
    ['/logout', '/logout'],
    ['/oauth/github/login', '/oauth/github/login'],
    ['/health/ready', '/health/ready'],
    ['/c/otel/app', '/c/otel/app'],
    ['//evil.example/app', '//evil.example/app'],
    ['https://github.com/app', 'https://github.com/app'],
  ];
  for (const [path, expected] of cases) assert.equal(prefixPath(path, '/c/k8s'), expected, path);
});

test('pages: attributes with site paths, and the sign-in page returns to the prefixed page', () => {
  const html =
    '<a href="/app/elections">x</a><form action="/app/elections/a/vote" method="post"></form>' +
    '<link href="/assets/a.css"><a href="/login?next=%2Fapp%2Felections%2Fa">in</a><a href="https://example.org/app">out</a>' +
    "<p>text /app stays</p><a href='/elections/a'>y</a>";
  assert.equal(
    prefixHtml(html, '/c/k8s'),
    '<a href="/c/k8s/app/elections">x</a><form action="/c/k8s/app/elections/a/vote" method="post"></form>' +
      '<link href="/assets/a.css"><a href="/login?next=%2Fc%2Fk8s%2Fapp%2Felections%2Fa">in</a><a href="https://example.org/app">out</a>' +
      "<p>text /app stays</p><a href='/c/k8s/elections/a'>y</a>",
  );
});

test('redirects', () => {
  assert.equal(prefixLocation('/app/elections/a/confirmation', '/c/k8s'), '/c/k8s/app/elections/a/confirmation');
  assert.equal(prefixLocation('/login?next=%2Fc%2Fk8s%2Fapp', '/c/k8s'), '/login?next=%2Fc%2Fk8s%2Fapp');
  assert.equal(prefixLocation('/login?next=%2Fapp', '/c/k8s'), '/login?next=%2Fc%2Fk8s%2Fapp');
  assert.equal(prefixLocation('/login?next=%E0%A4%A', '/c/k8s'), '/login?next=%E0%A4%A', 'a malformed value is left alone');
  assert.equal(prefixLocation('https://github.com/login/oauth', '/c/k8s'), 'https://github.com/login/oauth');
});
