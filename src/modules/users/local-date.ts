/**
 * Calendar days in a user's own time zone. Daily quotas and streaks follow the user's midnight, not the
 * server's, so every "today" in this module comes from here. Dates are ISO `YYYY-MM-DD` strings, which
 * compare correctly as strings and match PostgreSQL `date` columns in string mode.
 */

const DAY_MS = 86_400_000;

/**
 * A formatter per zone, built on first use: building an Intl formatter costs far more than using one, and
 * zones are few.
 */
function formatterPerZone(locale: string, options: Intl.DateTimeFormatOptions) {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone: string): Intl.DateTimeFormat => {
    let formatter = byZone.get(timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      byZone.set(timeZone, formatter);
    }
    return formatter;
  };
}

// en-CA formats as YYYY-MM-DD.
const dateFormatter = formatterPerZone('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
const partFormatter = formatterPerZone('en-US', {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Whether the runtime knows this IANA zone (e.g. `Europe/Paris`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    dateFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The stored zone when the runtime knows it, else UTC: a bad value must not break quotas. */
export function resolveTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
}

/** The calendar date at `at` in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(timeZone: string, at: Date): string {
  return dateFormatter(timeZone).format(at);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Offset of `timeZone` from UTC at instant `at`, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(timeZone: string, at: Date): number {
  const parts: Record<string, number> = {};
  for (const part of partFormatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wallClockAsUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wallClockAsUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant the local day containing `at` began in `timeZone`. Two passes settle the offset across a
 * DST change; in the rare zones whose clocks skip midnight itself, the day begins at the first valid time.
 */
export function startOfLocalDay(timeZone: string, at: Date): Date {
  const midnightAsUtc = Date.parse(`${localDate(timeZone, at)}T00:00:00Z`);
  let guess = midnightAsUtc - zoneOffsetMs(timeZone, new Date(midnightAsUtc));
  guess = midnightAsUtc - zoneOffsetMs(timeZone, new Date(guess));
  // A skipped midnight lands the guess on the previous day; move forward to the day's first instant.
  while (localDate(timeZone, new Date(guess)) < localDate(timeZone, at)) guess += 15 * 60_000;
  return new Date(guess);
}

/** The instant the local calendar day `date` began in `timeZone`. */
export function startOfDate(timeZone: string, date: string): Date {
  // Noon UTC of the date lies within that local date everywhere from UTC−12 to UTC+11; shift the rest.
  let at = Date.parse(`${date}T12:00:00Z`);
  at -= daysBetween(date, localDate(timeZone, new Date(at))) * DAY_MS;
  return startOfLocalDay(timeZone, new Date(at));
}
