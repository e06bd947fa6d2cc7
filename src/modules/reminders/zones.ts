import { addDays, localDate, resolveTimeZone } from '../users/local-date.js';

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

/** The hour (0-23) on the wall clock of `timeZone` at `at`. */
export function localHour(timeZone: string, at: Date): number {
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    hourFormatters.set(timeZone, formatter);
  }
  return Number(formatter.format(at));
}

/** A stored zone whose local hour at `at` is the reminder's, with that zone's today and yesterday. */
export interface ZoneAtHour {
  /** As stored in users.timezone (an unknown zone counts as UTC, as everywhere else). */
  stored: string;
  today: string;
  yesterday: string;
}

/** Of these stored zones, those where it is now `hour` o'clock (any minute of that hour). */
export function zonesAtHour(stored: readonly string[], at: Date, hour: number): ZoneAtHour[] {
  const zones: ZoneAtHour[] = [];
  for (const zone of stored) {
    const timeZone = resolveTimeZone(zone);
    if (localHour(timeZone, at) !== hour) continue;
    const today = localDate(timeZone, at);
    zones.push({ stored: zone, today, yesterday: addDays(today, -1) });
  }
  return zones;
}
