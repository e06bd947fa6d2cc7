import { achievementsOf, streakRunOf } from './achievements.js';
import { lastDays } from './calendar.js';
import type { AnalyticsActor, AnalyticsDeps } from './deps.js';
import { HISTORY_DAYS, loadLearner, scopeOf, tenths } from './learner.js';
import * as repo from './repo.js';
import type { GetLearningAnalyticsInput, LearningAnalyticsDto, Timeframe } from './schema.js';

export const TIMEFRAME_DAYS: Record<Timeframe, number> = { week: 7, month: 30, year: 365 };

/** Topics listed at most, the most practised first. */
const MAX_TOPICS = 50;

/**
 * `analytics.getLearningAnalytics`: the caller's lessons (scored attempts and reported completions),
 * practice time, accuracy, activity per day and per topic over the last 7, 30 or 365 days of their own
 * calendar, in one language or all. The streak and achievements look back a year whatever the timeframe.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function getLearningAnalytics(
  deps: Pick<AnalyticsDeps, 'db' | 'clock'>,
  actor: AnalyticsActor,
  input: GetLearningAnalyticsInput,
): Promise<LearningAnalyticsDto> {
  const learner = await loadLearner(deps, actor.userId);
  const now = deps.clock();
  const window = lastDays(learner.timeZone, now, TIMEFRAME_DAYS[input.timeframe]);
  const history = lastDays(learner.timeZone, now, HISTORY_DAYS);
  const scope = scopeOf(learner, window, input.language ?? null);
  const historyScope = scopeOf(learner, history, input.language ?? null);
  const [days, topics, historyDays] = await Promise.all([
    repo.dailyTotals(deps.db, scope),
    repo.topicTotals(deps.db, scope, MAX_TOPICS),
    repo.dailyTotals(deps.db, historyScope),
  ]);
  const run = streakRunOf(historyDays, history.dates.at(-1)!);
  const achievements = await achievementsOf(deps.db, historyScope, run);

  const byDay = new Map(days.map((day) => [day.day, day]));
  const sum = (pick: (day: repo.DayTotals) => number) => days.reduce((total, day) => total + pick(day), 0);
  const accuracyCount = sum((day) => day.accuracyCount);
  return {
    totalLessons: sum((day) => day.lessons),
    totalPracticeTime: tenths(sum((day) => day.practiceMinutes)),
    streakDays: run.length,
    averageAccuracy: accuracyCount === 0 ? 0 : Math.round(sum((day) => day.accuracySum) / accuracyCount),
    dailyActivity: window.dates.map((date) => ({
      date,
      lessons: byDay.get(date)?.lessons ?? 0,
      practiceTime: tenths(byDay.get(date)?.practiceMinutes ?? 0),
      xpEarned: Math.round(byDay.get(date)?.xp ?? 0),
    })),
    topicProgress: topics.map((topic) => ({
      topic: topic.topic,
      lessonsCompleted: topic.lessons,
      averageAccuracy: Math.round(topic.accuracy ?? 0),
      // api-contract §3.7: ten lessons of a topic make it complete.
      progress: Math.min(100, topic.lessons * 10),
    })),
    achievements,
  };
}
