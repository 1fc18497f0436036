/** Site-local vs GMT wall-clock dates, as WordPress keeps them (`post_date` / `post_date_gmt`). */

/** "2024-03-31T01:30:00" (GMT wall clock) -> "2024-03-31T03:30:00" in `timeZone`. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function gmtToLocal(gmt: string, timeZone: string): string {
  const d = new Date(`${gmt}Z`);
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/** Inverse of gmtToLocal (first match for ambiguous DST hours). */
export function localToGmt(local: string, timeZone: string): string {
  const asUtc = new Date(`${local}Z`).getTime();
  for (const guessOffsetH of [
    0, 1, 2, -1, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9, 10, -10, 11, -11, 12, -12, 13, 14,
  ]) {
    const cand = new Date(asUtc - guessOffsetH * 3600_000).toISOString().slice(0, 19);
    if (gmtToLocal(cand, timeZone) === local) return cand;
  }
  return new Date(asUtc).toISOString().slice(0, 19);
}

/** A JS Date -> "YYYY-MM-DDTHH:MM:SS" GMT wall clock. */
export function toGmtString(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function addSeconds(gmt: string, seconds: number): string {
  return toGmtString(new Date(new Date(`${gmt}Z`).getTime() + seconds * 1000));
}

/**
 * Parse a REST date filter value (`modified_after=...`). Values without offset are wall-clock
 * times of the column being compared; values with `Z`/offset are converted to that column's zone.
 * Returns null when WordPress would reject it as not a date-time.
 */
export function parseFilterDate(value: string, columnIsGmt: boolean, timeZone: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return null;
  const wall = `${m[1]}T${m[2]}`;
  if (Number.isNaN(new Date(`${wall}Z`).getTime())) return null;
  if (!m[4]) return wall;
  const instant = toGmtString(
    new Date(
      `${wall}${m[4].toUpperCase() === 'Z' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4]}`,
    ),
  );
  return columnIsGmt ? instant : gmtToLocal(instant, timeZone);
}
