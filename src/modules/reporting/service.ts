import type { Db } from '../../db/client.js';
import * as repo from './repo.js';
import { LESSON_DIMENSION_SEPARATOR } from './rollup.js';
import { daysBetween, type ReportRange, XP_BUCKETS } from './schema.js';

/** What the reports read: the database (report tables are filled by the rollup and the counter flusher). */
export interface ReportingDeps {
  db: Db;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** The Monday of a day's ISO week. */
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/** Every day of the range, oldest first. */
export function rangeDays(range: ReportRange): string[] {
  return Array.from({ length: daysBetween(range.from, range.to) }, (_, i) => addDays(range.from, i));
}

/** The Mondays of every ISO week the range touches, oldest first. */
export function rangeWeeks(range: ReportRange): string[] {
  const weeks: string[] = [];
  for (let week = mondayOf(range.from); week <= range.to; week = addDays(week, 7)) weeks.push(week);
  return weeks;
}

/** `metric -> day -> value` from per-day rows. */
function byMetricAndDay(rows: { day: string; metric: string; value: number }[]) {
  const table = new Map<string, number>();
  for (const row of rows) table.set(`${row.metric}/${row.day}`, row.value);
  return (metric: string, day: string) => table.get(`${metric}/${day}`) ?? 0;
}

/** `admin.reports.activeUsers`: distinct active users per day and per ISO week (range days only). */
export async function activeUsersReport(deps: ReportingDeps, range: ReportRange) {
  const [daily, weekly] = await Promise.all([
    repo.dailyActiveUsers(deps.db, range),
    repo.weeklyActiveUsers(deps.db, range),
  ]);
  const perDay = new Map(daily.map((row) => [row.day, row.users]));
  const perWeek = new Map(weekly.map((row) => [row.week, row.users]));
  return {
    daily: rangeDays(range).map((day) => ({ day, users: perDay.get(day) ?? 0 })),
    weekly: rangeWeeks(range).map((weekStart) => ({ weekStart, users: perWeek.get(weekStart) ?? 0 })),
  };
}

/**
 * `admin.reports.signups`: accounts created per day, and retention cohorts of the users who signed up in
 * the range: `retention[n]` is the share of the cohort active in the n-th week after its signup week, for
 * every week up to the one holding the range's last day.
 */
export async function signupsReport(deps: ReportingDeps, range: ReportRange) {
  const [sums, cohorts] = await Promise.all([
    repo.dailySums(deps.db, 'report', range, ['signups']),
    repo.cohortActivity(deps.db, range),
  ]);
  const value = byMetricAndDay(sums);
  const active = new Map(cohorts.active.map((row) => [`${row.week}/${row.offset}`, row.users]));
  const sizes = new Map(cohorts.sizes.map((row) => [row.week, row.size]));
  const lastWeek = mondayOf(range.to);
  return {
    daily: rangeDays(range).map((day) => ({ day, signups: value('signups', day) })),
    cohorts: rangeWeeks(range)
      .filter((week) => sizes.has(week))
      .map((cohortWeek) => {
        const size = sizes.get(cohortWeek) ?? 0;
        const weeks = daysBetween(cohortWeek, lastWeek) / 7 + 1;
        return {
          cohortWeek,
          size,
          retention: Array.from({ length: Math.round(weeks) }, (_, n) =>
            size === 0 ? 0 : (active.get(`${cohortWeek}/${n}`) ?? 0) / size,
          ),
        };
      }),
  };
}

/** `admin.reports.lessonsCompleted`: lessons passed in the range by language and level, most first. */
export async function lessonsCompletedReport(deps: ReportingDeps, range: ReportRange) {
  const rows = await repo.lessonsCompletedByDimension(deps.db, range);
  return {
    rows: rows
      .map((row) => {
        const cut = row.dimension.lastIndexOf(LESSON_DIMENSION_SEPARATOR);
        return {
          language: row.dimension.slice(0, cut),
          level: row.dimension.slice(cut + 1),
          lessons: row.lessons,
        };
      })
      .sort(
        (a, b) =>
          b.lessons - a.lessons || a.language.localeCompare(b.language) || a.level.localeCompare(b.level),
      ),
  };
}

/** `admin.reports.xpDistribution`: users active in the range by XP earned in it, in XP_BUCKETS. */
export async function xpDistributionReport(deps: ReportingDeps, range: ReportRange) {
  const rows = await repo.usersPerXpBucket(deps.db, range, XP_BUCKETS);
  const users = new Map(rows.map((row) => [row.bucket, row.users]));
  return {
    buckets: XP_BUCKETS.map((bucket, index) => ({ ...bucket, users: users.get(index) ?? 0 })),
  };
}

/** `admin.reports.aiUsage`: learner chat messages, AI provider requests and quota denials per day. */
export async function aiUsageReport(deps: ReportingDeps, range: ReportRange) {
  const [reports, counters] = await Promise.all([
    repo.dailySums(deps.db, 'report', range, ['chat_messages']),
    repo.dailySums(deps.db, 'ops', range, ['ai_requests', 'quota_denials']),
  ]);
  const value = byMetricAndDay([...reports, ...counters]);
  return {
    daily: rangeDays(range).map((day) => ({
      day,
      chatMessages: value('chat_messages', day),
      aiRequests: value('ai_requests', day),
      quotaDenials: value('quota_denials', day),
    })),
  };
}

/** `admin.reports.errorRatio`: HTTP requests, 5xx answers and their ratio per day (0 without requests). */
export async function errorRatioReport(deps: ReportingDeps, range: ReportRange) {
  const value = byMetricAndDay(await repo.dailySums(deps.db, 'ops', range, ['http_requests', 'http_errors']));
  return {
    daily: rangeDays(range).map((day) => {
      const requests = value('http_requests', day);
      const errors = value('http_errors', day);
      return { day, requests, errors, ratio: requests === 0 ? 0 : errors / requests };
    }),
  };
}
