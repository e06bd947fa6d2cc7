import { AppError } from '../../lib/errors.js';
import { resolveTimeZone } from '../users/local-date.js';
import { PROFILE_DEFAULTS } from '../users/profile.js';
import type { DayWindow } from './calendar.js';
import type { AnalyticsDeps } from './deps.js';
import * as repo from './repo.js';

/** The caller as the read side sees them. */
export interface Learner {
  userId: string;
  timeZone: string;
  /** The language they are learning, lower-case: events that name no language count for it. */
  learning: string;
  proficiencyLevel: string;
  dailyGoalMinutes: number;
}

/** Loads the caller. Throws NOT_FOUND if the account no longer exists. */
export async function loadLearner(deps: Pick<AnalyticsDeps, 'db'>, userId: string): Promise<Learner> {
  const profile = await repo.findLearner(deps.db, userId);
  if (!profile) throw new AppError('NOT_FOUND', 'User not found');
  return {
    userId,
    timeZone: resolveTimeZone(profile.timezone),
    learning: (profile.selectedLanguage ?? PROFILE_DEFAULTS.selectedLanguage).toLowerCase(),
    proficiencyLevel: profile.proficiencyLevel,
    dailyGoalMinutes: profile.dailyGoalMinutes,
  };
}

/** The caller's activity over `window`, in `language` (any case; null: every language). */
export function scopeOf(learner: Learner, window: DayWindow, language: string | null): repo.ActivityScope {
  return {
    userId: learner.userId,
    timeZone: learner.timeZone,
    since: window.since,
    until: window.until,
    language: language?.toLowerCase() ?? null,
    defaultLanguage: learner.learning,
  };
}

/** Days reached back for streaks and achievements, whatever the timeframe asked: a year and a day. */
export const HISTORY_DAYS = 366;

/** One decimal place, for minutes. */
export const tenths = (value: number) => Math.round(value * 10) / 10;
