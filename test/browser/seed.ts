import type { TestApp } from '../harness.js';

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
 * Seeds the reporting data the dashboard's charts show and says which numbers they must then show. The one
 * place to wire the reporting seed helper (test/reporting-data.ts, issue 17's admin-backend part) in: until
 * it lands this seeds nothing and promises nothing, and the dashboard test fails naming each chart that has
 * no promised value (it runs only once the admin.reports procedures exist).
 */
export async function seedDashboard(_t: TestApp, _users: SeedUsers): Promise<DashboardSeed> {
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  return { range: { from, to: today }, values: [] };
}
