import { date, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

/**
 * Jobs that used up every attempt (src/jobs/): kept here, whichever runtime ran them (BullMQ on Redis or
 * the in-process timers), so a failure stays visible after Redis trims its failed set. Replayed by hand.
 */
export const jobDeadLetters = pgTable(
  'job_dead_letters',
  {
    id: uuidPk(),
    jobName: text('job_name').notNull(),
    /** The runtime's id of the job (BullMQ job id, or the in-process runner's). */
    jobId: text('job_id').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    failedAt: instant('failed_at').notNull().defaultNow(),
  },
  (t) => [index('job_dead_letters_failed_at_idx').on(t.failedAt)],
);

/**
 * Reminders sent, one row per user, kind and local date: the insert that succeeds is the one that raises
 * the event, so a job that runs twice (or on two workers) reminds once.
 */
export const reminderSends = pgTable(
  'reminder_sends',
  {
    userId: userIdRef(),
    kind: text('kind', { enum: ['streak_at_risk', 'srs_due'] }).notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    sentAt: instant('sent_at').notNull().defaultNow(),
  },
  // The primary key leads with user_id, which also serves the foreign key.
  (t) => [
    primaryKey({ columns: [t.userId, t.kind, t.localDate] }),
    index('reminder_sends_local_date_idx').on(t.localDate),
  ],
);

/** Analytics events per UTC day, event and language (empty string: none given), from analytics_events. */
export const analyticsDaily = pgTable(
  'analytics_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    event: text('event').notNull(),
    language: text('language').notNull().default(''),
    events: integer('events').notNull(),
    users: integer('users').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.event, t.language] })],
);

/** The UTC days the rollup has computed (a day without events has no analytics_daily row, but is done). */
export const analyticsDailyRuns = pgTable('analytics_daily_runs', {
  day: date('day', { mode: 'string' }).primaryKey(),
  computedAt: instant('computed_at').notNull().defaultNow(),
});

export type JobDeadLetter = typeof jobDeadLetters.$inferSelect;
