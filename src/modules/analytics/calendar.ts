import { addDays, localDate, startOfLocalDay } from '../users/local-date.js';

const DAY_MS = 86_400_000;

/** Whole calendar days of the user, as instants and as dates. */
export interface DayWindow {
  /** The first instant of the first day. */
  since: Date;
  /** The first instant after the last day. */
  until: Date;
  /** Every day of the window, `YYYY-MM-DD`, oldest first. */
  dates: string[];
}

/** The start of the local day `days` days before the one starting at `dayStart` (negative: after). */
function startOfDayBefore(timeZone: string, dayStart: Date, days: number): Date {
  // Noon of that day give or take a DST shift, which no zone makes as long as twelve hours.
  return startOfLocalDay(timeZone, new Date(dayStart.getTime() - days * DAY_MS + DAY_MS / 2));
}

/** The last `days` calendar days in `timeZone`, today included. */
export function lastDays(timeZone: string, now: Date, days: number): DayWindow {
  const today = localDate(timeZone, now);
  const todayStart = startOfLocalDay(timeZone, now);
  return {
    since: startOfDayBefore(timeZone, todayStart, days - 1),
    until: startOfDayBefore(timeZone, todayStart, -1),
    dates: Array.from({ length: days }, (_, index) => addDays(today, index + 1 - days)),
  };
}

/** The `days` calendar days just before `window`. */
export function daysBefore(timeZone: string, window: DayWindow, days: number): DayWindow {
  const first = window.dates[0]!;
  return {
    since: startOfDayBefore(timeZone, window.since, days),
    until: window.since,
    dates: Array.from({ length: days }, (_, index) => addDays(first, index - days)),
  };
}

/**
 * The run of consecutive active days that ends today, or yesterday while today has no activity yet (the
 * streak is not lost before the day is over), oldest first; empty when neither day was active.
 */
export function currentRun(activeDays: ReadonlySet<string>, today: string): string[] {
  const run: string[] = [];
  for (
    let day = activeDays.has(today) ? today : addDays(today, -1);
    activeDays.has(day);
    day = addDays(day, -1)
  )
    run.unshift(day);
  return run;
}
