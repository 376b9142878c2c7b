// Dates and times as the pages show them: always in UTC on the server (the script
// adds the viewer's local time), plus a relative phrase ("in 3 days") computed from
// the injected clock, never from the machine's.
const utcFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

// Intl formatting is slow and every page shows the same few election times: remember them.
const utcCache = new Map<number, string>();

/** `Tue 15 September 2026, 14:00 UTC` */
export function utcText(date: Date): string {
  const t = date.getTime();
  let text = utcCache.get(t);
  if (text === undefined) {
    text = `${utcFormat.format(date).replace(' at ', ', ')} UTC`;
    if (utcCache.size > 10_000) utcCache.clear();
    utcCache.set(t, text);
  }
  return text;
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
    if (abs >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return relative.format(Math.trunc(seconds / 60), 'minute');
}
