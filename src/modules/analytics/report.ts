import { randomUUID } from 'node:crypto';
import { streakRunOf } from './achievements.js';
import { daysBefore, lastDays } from './calendar.js';
import type { AnalyticsActor, AnalyticsDeps } from './deps.js';
import { labelOf, strongTopics, WEAK_ACCURACY, weakTopics } from './insights.js';
import { HISTORY_DAYS, loadLearner, scopeOf } from './learner.js';
import { TIMEFRAME_DAYS } from './learning.js';
import { recommendationsFor } from './recommendations.js';
import * as repo from './repo.js';
import type { GenerateReportInput, ProgressReportDto } from './schema.js';

/** Items per list of the report. */
const REPORT_ITEMS = 3;

/**
 * `analytics.generateReport`: the caller's progress in `language` over the last week or month of their
 * calendar, against the period before: lessons, time, accuracy change, streak, XP, their strongest and
 * weakest topics, what to do next and goals drawn from those figures. Computed on each call, not stored.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function generateReport(
  deps: Pick<AnalyticsDeps, 'db' | 'clock'>,
  actor: AnalyticsActor,
  input: GenerateReportInput,
): Promise<ProgressReportDto> {
  const learner = await loadLearner(deps, actor.userId);
  const now = deps.clock();
  const days = TIMEFRAME_DAYS[input.timeframe];
  const window = lastDays(learner.timeZone, now, days);
  const history = lastDays(learner.timeZone, now, HISTORY_DAYS);
  const [current, previous, topics, historyDays, advice] = await Promise.all([
    repo.dailyTotals(deps.db, scopeOf(learner, window, input.language)),
    repo.dailyTotals(deps.db, scopeOf(learner, daysBefore(learner.timeZone, window, days), input.language)),
    repo.topicTotals(deps.db, scopeOf(learner, window, input.language), 50),
    repo.dailyTotals(deps.db, scopeOf(learner, history, input.language)),
    recommendationsFor(deps, learner, input.language, REPORT_ITEMS),
  ]);
  const period = totalsOf(current);
  const before = totalsOf(previous);
  const streakDays = streakRunOf(historyDays, history.dates.at(-1)!).length;
  const weak = weakTopics(topics);

  const goals = [
    `Complete ${Math.max(period.lessons, before.lessons) + 1} lessons next ${input.timeframe}`,
    streakDays > 0 ? `Reach a ${streakDays + 1}-day streak` : 'Practise today to start a streak',
    ...weak
      .slice(0, 1)
      .map(
        (topic) => `Raise ${topic.topic} accuracy from ${Math.round(topic.accuracy)}% to ${WEAK_ACCURACY}%`,
      ),
    advice.insights.nextMilestone,
  ];
  return {
    id: randomUUID(),
    userId: learner.userId,
    language: input.language,
    timeframe: input.timeframe,
    generatedAt: now.toISOString(),
    summary: {
      lessonsCompleted: period.lessons,
      timeSpent: Math.round(period.minutes),
      accuracyImprovement:
        period.accuracy === null || before.accuracy === null
          ? 0
          : Math.round(period.accuracy - before.accuracy),
      streakDays,
      xpEarned: Math.round(period.xp),
    },
    strengths: strongTopics(topics)
      .slice(0, REPORT_ITEMS)
      .map(
        (topic) =>
          `${labelOf(topic.topic)}: ${Math.round(topic.accuracy)}% accuracy ${topic.lessons > 0 ? `over ${lessonsText(topic.lessons)}` : 'in practice'}`,
      ),
    areasForImprovement: weak
      .slice(0, REPORT_ITEMS)
      .map(
        (topic) =>
          `${labelOf(topic.topic)}: ${Math.round(topic.accuracy)}% accuracy, below ${WEAK_ACCURACY}%`,
      ),
    recommendations: advice.recommendations.map((item) => `${item.title}: ${item.description}`),
    nextGoals: goals.slice(0, REPORT_ITEMS),
  };
}

const lessonsText = (count: number) => `${count} ${count === 1 ? 'lesson' : 'lessons'}`;

/** A period's totals from its days. */
function totalsOf(days: readonly repo.DayTotals[]) {
  let lessons = 0;
  let minutes = 0;
  let xp = 0;
  let accuracySum = 0;
  let accuracyCount = 0;
  for (const day of days) {
    lessons += day.lessons;
    minutes += day.practiceMinutes + day.lessonMinutes;
    xp += day.xp;
    accuracySum += day.accuracySum;
    accuracyCount += day.accuracyCount;
  }
  return { lessons, minutes, xp, accuracy: accuracyCount === 0 ? null : accuracySum / accuracyCount };
}
