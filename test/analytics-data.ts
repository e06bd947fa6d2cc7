import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client.js';
import type { AnalyticsEventName } from '../src/db/schema/index.js';
import { startOfLocalDay } from '../src/modules/users/local-date.js';
import type { TestApp } from './harness.js';

/**
 * Activity written straight into the tables, at chosen instants (the API dates events at receipt or
 * within the last 30 days, and records no lesson attempts yet), for the analytics read tests.
 */

/** Inserts one event of the user at `at`. */
export async function insertEvent(
  t: TestApp,
  userId: string,
  event: AnalyticsEventName,
  properties: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await t.deps.db.execute(
    sql`insert into analytics_events (user_id, event, properties, occurred_at)
      values (${userId}, ${event}, ${JSON.stringify(properties)}::jsonb, ${at.toISOString()}::timestamptz)`,
  );
}

/** Inserts a scored attempt of a lesson, as the lesson scoring records it. */
export async function insertAttempt(
  t: TestApp,
  userId: string,
  attempt: { lessonId: string; score: number; xp: number; seconds: number; at: Date },
): Promise<void> {
  await t.deps.db.execute(
    sql`insert into lesson_attempts (user_id, lesson_id, score, xp_earned, time_spent_sec, created_at)
      values (${userId}, ${attempt.lessonId}, ${attempt.score}, ${attempt.xp}, ${attempt.seconds},
        ${attempt.at.toISOString()}::timestamptz)`,
  );
}

export interface CourseLesson {
  id: string;
  type: string;
  title: string;
  estimatedTimeMin: number;
  xpReward: number;
}

/** A language's seeded course in order, as the tests expect recommendations to follow it. */
export function course(t: TestApp, language: string): Promise<CourseLesson[]> {
  return queryRows<CourseLesson>(
    t.deps.db,
    sql`select id as "id", type as "type", title as "title", estimated_time_min as "estimatedTimeMin",
      xp_reward as "xpReward" from lessons where language = ${language} and source = 'seed'
      order by position nulls last, id`,
  );
}

/**
 * An instant `daysAgo` local days before today in `timeZone`, `minutes` after that day's midnight. With
 * `daysAgo` 0 keep `minutes` at 0 (or small): later today may still be in the future.
 */
export function localDayAt(timeZone: string, daysAgo: number, minutes = 0, now = new Date()): Date {
  const today = startOfLocalDay(timeZone, now);
  const day = startOfLocalDay(timeZone, new Date(today.getTime() - daysAgo * 86_400_000 + 43_200_000));
  return new Date(day.getTime() + minutes * 60_000);
}
