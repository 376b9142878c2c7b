// Timestamps as operators write them in election.yaml. PyYAML reads a bare
// `2024-09-27 11:59:59` as a naive datetime and Elekto's servers run in UTC, so a time
// with no zone is UTC. Quoted strings, ISO 8601 with `Z` or an offset, and dates
// alone (midnight UTC) are accepted too. Impossible dates (Feb 30) are rejected
// rather than rolled over, which the `yaml` package would otherwise do.

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[ \t]*(Z|z|UTC|[+-]\d{1,2}(?::?\d{2})?))?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant a timestamp text denotes, or null when it is not a valid timestamp. */
export function parseTimestamp(text: string): Date | null {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== undefined && !/^(z|utc)$/i.test(zone)) {
    const zm = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
    if (zm === null) return null;
    const hours = Number(zm[2]);
    const minutes = zm[3] === undefined ? 0 : Number(zm[3]);
    if (hours > 14 || minutes > 59) return null;
    offsetMinutes = (zm[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  // Not Date.UTC, which reads years 0-99 as 1900-1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, millis);
  return new Date(local.getTime() - offsetMinutes * 60_000);
}
