// One date format everywhere: what the server writes, that it reads back exactly
// (error messages are plain strings whose moments the pages localise), and that a
// text's moments become <time> elements the page script can localise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUtcText, utcText } from '../../src/views/format.js';
import { TextWithTimes } from '../../src/views/components/When.js';

test('utcText: weekday, day, month, year, 24-hour time and the zone named', () => {
  assert.equal(utcText(new Date('2026-09-15T14:00:05Z')), 'Tue 15 September 2026, 14:00 UTC');
  assert.equal(utcText(new Date('2026-09-15T14:00:05Z'), { seconds: true }), 'Tue 15 September 2026, 14:00:05 UTC');
  assert.equal(utcText(new Date('2099-02-01T00:00:00Z')), 'Sun 1 February 2099, 00:00 UTC');
  assert.equal(utcText(new Date('2026-12-31T23:59:59.999Z')), 'Thu 31 December 2026, 23:59 UTC');
});

test('parseUtcText reads back exactly what utcText wrote, and nothing else', () => {
  for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2030, 0, 1); t += 86_400_000 * 37 + 3_599_000) {
    const date = new Date(t);
    assert.equal(parseUtcText(utcText(date, { seconds: true }))?.getTime(), t);
    assert.equal(parseUtcText(utcText(date))?.getTime(), t - (t % 60_000));
  }
  for (const bad of [
    'Mon 15 September 2026, 14:00 UTC', // the 15th was a Tuesday
    'Tue 31 September 2026, 14:00 UTC',
    'Tue 15 September 2026, 24:00 UTC',
    'Tue 15 Sept 2026, 14:00 UTC',
    '2026-09-15 14:00 UTC',
    ' Tue 15 September 2026, 14:00 UTC',
    '',
  ])
    assert.equal(parseUtcText(bad), null, bad);
});

test('TextWithTimes marks up each moment of a sentence as a localisable <time>, the words escaped', async () => {
  const html = String(
    await TextWithTimes({ text: 'Voting closed on Thu 15 January 2026, 00:00 UTC <b>and</b> then Fri 16 January 2026, 10:30:05 UTC.' }),
  );
  assert.equal(
    html,
    'Voting closed on <time datetime="2026-01-15T00:00:00.000Z" data-local="">Thu 15 January 2026, 00:00 UTC</time> &lt;b&gt;and&lt;/b&gt; then <time datetime="2026-01-16T10:30:05.000Z" data-local="">Fri 16 January 2026, 10:30:05 UTC</time>.',
  );
  assert.equal(
    String(await TextWithTimes({ text: 'No moment: Mon 15 September 2026, 14:00 UTC.' })),
    'No moment: Mon 15 September 2026, 14:00 UTC.',
  );
});
