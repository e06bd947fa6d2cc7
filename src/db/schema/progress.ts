import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, updatedAt, uuidPk } from '../columns.js';
import { lessons } from './lessons.js';
import { userIdRef } from './users.js';

export const MASTERY_LEVELS = ['learning', 'practicing', 'mastered'] as const;
export const DAILY_CHALLENGE_TYPES = ['practice', 'streak', 'accuracy', 'speed', 'perfect'] as const;

export interface LessonAnswer {
  id: string;
  correct: boolean;
}

export interface DailyChallengeDefinition {
  id: string;
  type: (typeof DAILY_CHALLENGE_TYPES)[number];
  description: string;
  target: number;
  xpReward: number;
}

/** Per user × lesson (the client's `ModuleProgress`). */
export const userLessonProgress = pgTable(
  'user_lesson_progress',
  {
    userId: userIdRef(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    // real: completed/total × 100 and running means are rarely whole numbers.
    progressPct: real('progress_pct').notNull().default(0),
    lastPracticedAt: instant('last_practiced_at'),
    totalTimeSec: integer('total_time_sec').notNull().default(0),
    accuracy: real('accuracy'),
    completedSubModules: text('completed_sub_modules').array().notNull().default([]),
    masteryLevel: text('mastery_level', { enum: MASTERY_LEVELS }).notNull().default('learning'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.lessonId] }),
    index('user_lesson_progress_lesson_id_idx').on(t.lessonId),
    check('user_lesson_progress_progress_pct_check', sql`${t.progressPct} between 0 and 100`),
    check('user_lesson_progress_total_time_sec_check', sql`${t.totalTimeSec} >= 0`),
    check('user_lesson_progress_accuracy_check', sql`${t.accuracy} between 0 and 100`),
    check('user_lesson_progress_mastery_level_check', oneOf(t.masteryLevel, MASTERY_LEVELS)),
  ],
);

/** Per user × language (the client's `UserProgress`). */
export const userLanguageProgress = pgTable(
  'user_language_progress',
  {
    userId: userIdRef(),
    language: text('language').notNull(),
    overallProgress: real('overall_progress').notNull().default(0),
    /** Minutes per day. */
    dailyGoal: integer('daily_goal').notNull().default(15),
    /** Minutes practised on `daily_progress_date`, compared with `daily_goal`; restarts at 0 on a new day. */
    dailyProgress: integer('daily_progress').notNull().default(0),
    dailyProgressDate: date('daily_progress_date', { mode: 'string' }),
    streakDays: integer('streak_days').notNull().default(0),
    totalXp: integer('total_xp').notNull().default(0),
    weakAreas: text('weak_areas').array().notNull().default([]),
    strongAreas: text('strong_areas').array().notNull().default([]),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.language] }),
    check('user_language_progress_overall_progress_check', sql`${t.overallProgress} between 0 and 100`),
    check('user_language_progress_daily_goal_check', sql`${t.dailyGoal} between 5 and 120`),
    check(
      'user_language_progress_counters_check',
      sql`${t.dailyProgress} >= 0 and ${t.streakDays} >= 0 and ${t.totalXp} >= 0`,
    ),
  ],
);

export const lessonAttempts = pgTable(
  'lesson_attempts',
  {
    id: uuidPk(),
    userId: userIdRef(),
    lessonId: text('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    answers: jsonb('answers').$type<LessonAnswer[]>().notNull().default([]),
    timeSpentSec: integer('time_spent_sec').notNull().default(0),
    score: integer('score').notNull(),
    xpEarned: integer('xp_earned').notNull().default(0),
    /** Client-chosen key so that a replayed offline submission is recorded (and rewarded) once. */
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('lesson_attempts_user_id_created_at_idx').on(t.userId, t.createdAt),
    index('lesson_attempts_lesson_id_idx').on(t.lessonId),
    uniqueIndex('lesson_attempts_user_id_idempotency_key_idx').on(t.userId, t.idempotencyKey),
    check('lesson_attempts_time_spent_sec_check', sql`${t.timeSpentSec} >= 0`),
    check('lesson_attempts_score_check', sql`${t.score} between 0 and 100`),
    check('lesson_attempts_xp_earned_check', sql`${t.xpEarned} >= 0`),
  ],
);

/**
 * One user's challenge set for one of their local days, drawn when first asked for and kept, so that it
 * does not change under them during the day.
 */
export const dailyChallenges = pgTable(
  'daily_challenges',
  {
    userId: userIdRef(),
    date: date('date', { mode: 'string' }).notNull(),
    challenges: jsonb('challenges').$type<DailyChallengeDefinition[]>().notNull(),
    totalXpReward: integer('total_xp_reward').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.date] }),
    check('daily_challenges_total_xp_reward_check', sql`${t.totalXpReward} >= 0`),
  ],
);

/** When a challenge of a user's day was completed: its XP is paid once, with the row. */
export const userChallengeProgress = pgTable(
  'user_challenge_progress',
  {
    userId: userIdRef(),
    date: date('date', { mode: 'string' }).notNull(),
    /** An id inside `daily_challenges.challenges`; jsonb elements cannot be foreign-key targets. */
    challengeId: text('challenge_id').notNull(),
    current: integer('current').notNull().default(0),
    target: integer('target').notNull(),
    completedAt: instant('completed_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.date, t.challengeId] }),
    foreignKey({
      columns: [t.userId, t.date],
      foreignColumns: [dailyChallenges.userId, dailyChallenges.date],
      name: 'user_challenge_progress_daily_challenge_fk',
    }).onDelete('cascade'),
    check('user_challenge_progress_current_check', sql`${t.current} >= 0`),
    check('user_challenge_progress_target_check', sql`${t.target} > 0`),
  ],
);

export type UserLessonProgress = typeof userLessonProgress.$inferSelect;
export type NewUserLessonProgress = typeof userLessonProgress.$inferInsert;
export type UserLanguageProgress = typeof userLanguageProgress.$inferSelect;
export type NewUserLanguageProgress = typeof userLanguageProgress.$inferInsert;
export type LessonAttempt = typeof lessonAttempts.$inferSelect;
export type NewLessonAttempt = typeof lessonAttempts.$inferInsert;
export type DailyChallenge = typeof dailyChallenges.$inferSelect;
export type NewDailyChallenge = typeof dailyChallenges.$inferInsert;
export type UserChallengeProgress = typeof userChallengeProgress.$inferSelect;
export type NewUserChallengeProgress = typeof userChallengeProgress.$inferInsert;
