// Dates and times as Scrutin writes them, everywhere (pages, tables, error messages,
// the CLI): one format, in UTC on the server with the zone named, which the page
// script repeats in the viewer's own zone next to each <time data-local>. Built by
// hand rather than with Intl so that the text does not change with Node's ICU data
// and can be read back (`parseUtcText`): an error message is a plain string, and the
// pages find the moments in it to localise them too. The relative phrase ("in 3
// days") is computed from the injected clock, never from the machine's.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const two = (n: number) => String(n).padStart(2, '0');

/** `Tue 15 September 2026, 14:00 UTC`; with `seconds`, `14:00:05 UTC` (the audit trail). */
export function utcText(date: Date, options: { seconds?: boolean } = {}): string {
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}${options.seconds === true ? `:${two(date.getUTCSeconds())}` : ''}`;
  return `${WEEKDAYS[date.getUTCDay()] ?? ''} ${String(date.getUTCDate())} ${MONTHS[date.getUTCMonth()] ?? ''} ${String(date.getUTCFullYear())}, ${time} UTC`;
}

/** `Tue 15 September 2026`: a whole UTC day (votes per day), in the same shape. */
export function utcDayText(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()] ?? ''} ${String(date.getUTCDate())} ${MONTHS[date.getUTCMonth()] ?? ''} ${String(date.getUTCFullYear())}`;
}

/** Every moment written by `utcText` in a text: where it is, and the moment itself. */
export const UTC_TEXT = new RegExp(
  `\\b(?:${WEEKDAYS.join('|')}) (\\d{1,2}) (${MONTHS.join('|')}) (\\d{4}), (\\d{2}):(\\d{2})(?::(\\d{2}))? UTC\\b`,
  'g',
);

/** The moment `utcText` wrote, or null when `text` is not exactly one. */
export function parseUtcText(text: string): Date | null {
  const m = new RegExp(`^${UTC_TEXT.source}$`).exec(text);
  if (m === null) return null;
  const month = MONTHS.indexOf((m[2] ?? '') as (typeof MONTHS)[number]);
  const date = new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  return utcText(date, { seconds: m[6] !== undefined }) === text ? date : null;
}

/** `in 3 days`, `in 5 hours`, `2 minutes ago`: the largest unit that is at least 1. */
export function relativeText(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return seconds >= 0 ? 'in less than a minute' : 'just now';
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (abs >= size) return relativePhrase(Math.trunc(seconds / size), unit);
  }
  return relativePhrase(Math.trunc(seconds / 60), 'minute');
}

/**
 * Intl.RelativeTimeFormat costs microseconds a call, and the list pages ask for dozens
 * of phrases per request, nearly all of them the same few ("in 3 days"): remembered,
 * up to a bound.
 */
const phrases = new Map<string, string>();
function relativePhrase(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  const key = `${value}${unit}`;
  let phrase = phrases.get(key);
  if (phrase === undefined) {
    phrase = relative.format(value, unit);
    if (phrases.size >= 10_000) phrases.clear();
    phrases.set(key, phrase);
  }
  return phrase;
}
