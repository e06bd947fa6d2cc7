import { streakRunOf } from './achievements.js';
import { lastDays } from './calendar.js';
import type { AnalyticsActor, AnalyticsDeps } from './deps.js';
import { nextMilestone, recommend, suggestDifficulty, weakTopics } from './insights.js';
import { HISTORY_DAYS, type Learner, loadLearner, scopeOf } from './learner.js';
import * as repo from './repo.js';
import type { GetRecommendationsInput, RecommendationsDto } from './schema.js';

/** Recommendations weigh the last 30 days of the learner's own calendar. */
export const RECENT_DAYS = 30;

/** How many busiest hours `preferredTimes` lists (api-contract §3.7). */
const PREFERRED_HOURS = 3;

/**
 * `analytics.getRecommendations`: what the caller should do next in `language`, from their weak topics,
 * their course progress and topics left idle, with insights (weak areas, busiest local hours, the
 * difficulty to practise at, the nearest achievement). At most `limit` recommendations.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function getRecommendations(
  deps: Pick<AnalyticsDeps, 'db' | 'clock'>,
  actor: AnalyticsActor,
  input: GetRecommendationsInput,
): Promise<RecommendationsDto> {
  return recommendationsFor(deps, await loadLearner(deps, actor.userId), input.language, input.limit);
}

/** The recommendations and insights of a learner (also the report's). */
export async function recommendationsFor(
  deps: Pick<AnalyticsDeps, 'db' | 'clock'>,
  learner: Learner,
  language: string,
  limit: number,
): Promise<RecommendationsDto> {
  const now = deps.clock();
  const recent = lastDays(learner.timeZone, now, RECENT_DAYS);
  const history = lastDays(learner.timeZone, now, HISTORY_DAYS);
  const scope = scopeOf(learner, recent, language);
  const historyScope = scopeOf(learner, history, language);
  const [topics, byDifficulty, preferredTimes, course, completed, historyDays, catalogue] = await Promise.all(
    [
      repo.topicTotals(deps.db, scope, 50),
      repo.accuracyByDifficulty(deps.db, scope),
      repo.busiestHours(deps.db, scope, PREFERRED_HOURS),
      repo.courseLessons(deps.db, language.toLowerCase()),
      repo.completedLessonIds(deps.db, historyScope),
      repo.dailyTotals(deps.db, historyScope),
      repo.achievementCatalogue(deps.db),
    ],
  );
  const streakDays = streakRunOf(historyDays, history.dates.at(-1)!).length;
  const lessonsDone = historyDays.reduce((total, day) => total + day.lessons, 0);
  return {
    recommendations: recommend({
      topics,
      windowDays: RECENT_DAYS,
      course,
      completed,
      dailyGoalMinutes: learner.dailyGoalMinutes,
      now,
    }).slice(0, limit),
    insights: {
      weakAreas: weakTopics(topics).map((topic) => topic.topic),
      preferredTimes,
      suggestedDifficulty: suggestDifficulty(byDifficulty, learner.proficiencyLevel),
      nextMilestone: nextMilestone(catalogue, lessonsDone, streakDays),
    },
  };
}
