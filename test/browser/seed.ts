import type { TestApp } from '../harness.js';
import { seedReportingData } from '../reporting-data.js';

/** A number one of the dashboard's charts must show: in chart `chart`, series `series`, at `label`. */
export interface ChartValue {
  chart: string;
  series: string;
  label: string;
  value: number;
}

export interface DashboardSeed {
  /** The date range (UTC days) the dashboard is set to; the seeded data lies inside it. */
  range: { from: string; to: string };
  /** What the charts must show; the test requires at least one per chart. */
  values: ChartValue[];
}

/** Every figure of the dashboard, by its `data-chart` name (admin/src/pages/dashboard.ts). */
export const DASHBOARD_CHARTS = [
  'daily-active-users',
  'weekly-active-users',
  'signups',
  'retention-cohorts',
  'lessons-completed',
  'xp-distribution',
  'ai-usage',
  'error-ratio',
] as const;

/** The users the seeding may give activity to. */
export interface SeedUsers {
  adminId: string;
  userId: string;
}

/**
 * Seeds the reporting data set of test/reporting-data.ts (two ISO weeks ending yesterday, rolled up) and
 * says which of its planned figures the charts must show: at least one per chart, values taken from that
 * file's plan, not from the reports' code. The console's own users (signed up today) fall outside the range.
 */
export async function seedDashboard(t: TestApp, _users: SeedUsers): Promise<DashboardSeed> {
  const { from, to } = await seedReportingData(t.deps.db, { endDay: lastCompletedSunday() });
  const day = (offset: number) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  const value = (chart: (typeof DASHBOARD_CHARTS)[number], series: string, label: string, n: number) => ({
    chart,
    series,
    label,
    value: n,
  });
  return {
    range: { from, to },
    values: [
      value('daily-active-users', 'Users', day(0), 2),
      value('daily-active-users', 'Users', day(2), 0),
      value('daily-active-users', 'Users', day(8), 2),
      value('weekly-active-users', 'Users', day(0), 3),
      value('weekly-active-users', 'Users', day(7), 4),
      value('signups', 'Signups', day(0), 2),
      value('signups', 'Signups', day(2), 1),
      value('signups', 'Signups', day(10), 1),
      value('retention-cohorts', 'Size', day(0), 3),
      value('retention-cohorts', 'Week 1', day(0), 2 / 3),
      value('retention-cohorts', 'Size', day(7), 2),
      value('lessons-completed', 'beginner', 'es', 2),
      value('lessons-completed', 'advanced', 'de', 1),
      value('lessons-completed', 'intermediate', 'fr', 1),
      value('xp-distribution', 'Users', '0', 1),
      value('xp-distribution', 'Users', '100-499', 1),
      value('xp-distribution', 'Users', '1000-4999', 0),
      value('xp-distribution', 'Users', '5000+', 1),
      value('ai-usage', 'Chat messages', day(1), 1),
      value('ai-usage', 'Chat messages', day(9), 2),
      value('ai-usage', 'AI requests', day(9), 2),
      value('ai-usage', 'Quota denials', day(12), 2),
      value('error-ratio', 'Error ratio', day(0), 0.05),
      value('error-ratio', 'Error ratio', day(13), 0),
    ],
  };
}

/** The last Sunday before today (UTC): the seed's two weeks then start on a Monday and are complete. */
function lastCompletedSunday(): string {
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const back = today.getUTCDay() === 0 ? 7 : today.getUTCDay();
  return new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}
