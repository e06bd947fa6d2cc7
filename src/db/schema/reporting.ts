import { bigint, date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { userIdRef } from './users.js';

/**
 * Numbers the admin reports read, per completed UTC day, metric and dimension ('' for none), computed by
 * the daily rollup (modules/reporting/rollup.ts) in the same transaction as analytics_daily and replaced
 * whole with its day: `signups`, `chat_messages` (sent by learners), `lessons_completed` (dimension
 * `language|level`), `xp_granted`.
 */
export const reportDaily = pgTable(
  'report_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    dimension: text('dimension').notNull().default(''),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric, t.dimension] })],
);

/**
 * One row per user active on a UTC day (an analytics event, a lesson attempt, an XP grant or a chat
 * message), with the XP they earned that day: daily and weekly active users, retention cohorts and the XP
 * distribution are counted from it at query time. Computed by the daily rollup; erased with the user.
 */
export const userActivityDaily = pgTable(
  'user_activity_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    userId: userIdRef(),
    xp: integer('xp').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.userId] }),
    index('user_activity_daily_user_id_day_idx').on(t.userId, t.day),
  ],
);

/**
 * Counts that live nowhere else in PostgreSQL (HTTP requests and 5xx answers, AI provider requests, quota
 * denials), per UTC day, metric and dimension. Every instance adds its in-memory counts here every
 * REPORT_COUNTERS_FLUSH_MS (`value = value + excluded.value`), so the rows are the sum over instances.
 */
export const opsCountersDaily = pgTable(
  'ops_counters_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    metric: text('metric').notNull(),
    dimension: text('dimension').notNull().default(''),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric, t.dimension] })],
);

export type ReportDaily = typeof reportDaily.$inferSelect;
export type UserActivityDaily = typeof userActivityDaily.$inferSelect;
export type OpsCounterDaily = typeof opsCountersDaily.$inferSelect;
