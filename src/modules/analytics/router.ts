import { authedProcedure, router } from '../../trpc/init.js';
import * as ingest from './ingest.js';
import * as learning from './learning.js';
import * as recommendations from './recommendations.js';
import * as report from './report.js';
import {
  generateReportInput,
  getLearningAnalyticsInput,
  getRecommendationsInput,
  trackEventInput,
} from './schema.js';

const trackEvent = authedProcedure
  .meta({ rateLimit: 'ingest' })
  .input(trackEventInput)
  .mutation(({ ctx, input }) => ingest.trackEvent(ctx.deps, { userId: ctx.caller.userId }, input));

/**
 * `analytics.*` (api-contract §3.7) but `getLeaderboard`, which the leaderboards module adds. Aliases
 * share one procedure.
 */
export const analyticsRouter = router({
  trackEvent,
  track: trackEvent,
  getLearningAnalytics: authedProcedure
    .input(getLearningAnalyticsInput)
    .query(({ ctx, input }) => learning.getLearningAnalytics(ctx.deps, { userId: ctx.caller.userId }, input)),
  getRecommendations: authedProcedure
    .input(getRecommendationsInput)
    .query(({ ctx, input }) =>
      recommendations.getRecommendations(ctx.deps, { userId: ctx.caller.userId }, input),
    ),
  generateReport: authedProcedure
    .input(generateReportInput)
    .mutation(({ ctx, input }) => report.generateReport(ctx.deps, { userId: ctx.caller.userId }, input)),
});
