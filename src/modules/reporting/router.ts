import { adminProcedure, router } from '../../trpc/init.js';
import { reportRangeInput } from './schema.js';
import * as service from './service.js';

const report = adminProcedure.input(reportRangeInput);

/** `admin.reports.*`: the admin console's dashboards, over the daily rollups and counters. */
export const adminReportsRouter = router({
  activeUsers: report.query(({ ctx, input }) => service.activeUsersReport(ctx.deps, input)),
  signups: report.query(({ ctx, input }) => service.signupsReport(ctx.deps, input)),
  lessonsCompleted: report.query(({ ctx, input }) => service.lessonsCompletedReport(ctx.deps, input)),
  xpDistribution: report.query(({ ctx, input }) => service.xpDistributionReport(ctx.deps, input)),
  aiUsage: report.query(({ ctx, input }) => service.aiUsageReport(ctx.deps, input)),
  errorRatio: report.query(({ ctx, input }) => service.errorRatioReport(ctx.deps, input)),
});
