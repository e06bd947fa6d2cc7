/**
 * The periods of the weekly and monthly leaderboards: ISO weeks and calendar months in UTC, the same for
 * every user, so that one ranking per period can hold everyone.
 */

export interface Period {
  /** `2026-W48` or `2026-11`: part of the ranking's key. */
  id: string;
  start: Date;
  /** The start of the next period. */
  end: Date;
}

const DAY_MS = 86_400_000;

export function weekOf(at: Date): Period {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = new Date(day.getTime() - weekday * DAY_MS);
  // The ISO week-year is the year of the week's Thursday.
  const thursday = new Date(start.getTime() + 3 * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / DAY_MS / 7) + 1;
  return {
    id: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`,
    start,
    end: new Date(start.getTime() + 7 * DAY_MS),
  };
}

export function monthOf(at: Date): Period {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return {
    id: `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`,
    start,
    end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)),
  };
}

export function rankingPeriods(at: Date): { week: Period; month: Period } {
  return { week: weekOf(at), month: monthOf(at) };
}

/** A user's scores after an activity, for every ranking at once (written after the transaction commits). */
export interface RankingUpdate {
  userId: string;
  at: Date;
  xp: number;
  weekXp: number;
  monthXp: number;
  streak: number;
  lessons: number;
  languages: number;
}
