import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import {
  contentItems,
  type DailyChallengeDefinition,
  dailyChallenges,
  exercises,
  type LessonAnswer,
  lessonAttempts,
  lessonSubModules,
  lessons,
  type NewUserLessonProgress,
  userChallengeProgress,
  userLanguageProgress,
  userLessonProgress,
  userStats,
} from '../../db/schema/index.js';

/**
 * A lesson as practice needs it, with its sub-module ids in order: a catalogue lesson, or with `owner` one
 * that user generated (never another user's).
 */
export async function findPracticeLesson(db: Db | Tx, lessonId: string, owner?: string) {
  const [lesson] = await db
    .select({
      id: lessons.id,
      language: lessons.language,
      difficulty: lessons.difficulty,
      position: lessons.position,
      xpReward: lessons.xpReward,
      perfectBonus: lessons.perfectBonus,
      createdBy: lessons.createdBy,
    })
    .from(lessons)
    .where(and(eq(lessons.id, lessonId), owner ? eq(lessons.createdBy, owner) : isNull(lessons.createdBy)))
    .limit(1);
  if (!lesson) return null;
  const subModules = await db
    .select({ id: lessonSubModules.id })
    .from(lessonSubModules)
    .where(eq(lessonSubModules.lessonId, lessonId))
    .orderBy(asc(lessonSubModules.position));
  return { ...lesson, subModuleIds: subModules.map((subModule) => subModule.id) };
}

export type PracticeLesson = NonNullable<Awaited<ReturnType<typeof findPracticeLesson>>>;

export interface CourseLesson {
  id: string;
  difficulty: PracticeLesson['difficulty'];
  position: number | null;
}

/** Catalogue lessons of a language in course order. */
export function languageLessons(db: Db | Tx, language: string): Promise<CourseLesson[]> {
  return db
    .select({ id: lessons.id, difficulty: lessons.difficulty, position: lessons.position })
    .from(lessons)
    .where(and(eq(lessons.language, language), isNull(lessons.createdBy)))
    .orderBy(sql`${lessons.position} asc nulls last`, asc(lessons.id));
}

/** A lesson's exercises with their answers and the sub-module of the item each practises, in order. */
export function exercisesOf(db: Db | Tx, lessonId: string) {
  return db
    .select({
      id: exercises.id,
      type: exercises.type,
      question: exercises.question,
      options: exercises.options,
      correctAnswer: exercises.correctAnswer,
      nativeText: exercises.nativeText,
      targetText: exercises.targetText,
      hint: exercises.hint,
      pairs: exercises.pairs,
      words: exercises.words,
      difficulty: exercises.difficulty,
      contentItemId: exercises.contentItemId,
      subModuleId: contentItems.subModuleId,
    })
    .from(exercises)
    .leftJoin(contentItems, eq(contentItems.id, exercises.contentItemId))
    .where(eq(exercises.lessonId, lessonId))
    .orderBy(asc(exercises.position));
}

export type PracticeExercise = Awaited<ReturnType<typeof exercisesOf>>[number];

/** A user's progress in a lesson (null before the first practice) and how many attempts they made at it. */
export async function findProgress(tx: Tx, userId: string, lessonId: string) {
  const [row] = await tx
    .select({
      progress: userLessonProgress,
      attempts: sql<number>`(select count(*)::int from ${lessonAttempts}
        where ${lessonAttempts.userId} = ${userId} and ${lessonAttempts.lessonId} = ${lessonId})`,
    })
    .from(userLessonProgress)
    .where(and(eq(userLessonProgress.userId, userId), eq(userLessonProgress.lessonId, lessonId)))
    .limit(1);
  return row ?? { progress: null, attempts: 0 };
}

/** A user's progress in these lessons (all of theirs when `lessonIds` is omitted). */
export function progressOf(db: Db | Tx, userId: string, lessonIds?: string[]) {
  return db
    .select()
    .from(userLessonProgress)
    .where(
      and(
        eq(userLessonProgress.userId, userId),
        lessonIds ? inArray(userLessonProgress.lessonId, lessonIds) : undefined,
      ),
    )
    .orderBy(asc(userLessonProgress.lessonId));
}

export async function saveProgress(tx: Tx, row: NewUserLessonProgress): Promise<void> {
  const { userId, lessonId, ...values } = row;
  await tx
    .insert(userLessonProgress)
    .values(row)
    .onConflictDoUpdate({ target: [userLessonProgress.userId, userLessonProgress.lessonId], set: values });
}

/** How many lessons the user has completed (every sub-module done). */
export async function countCompletedLessons(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(userLessonProgress)
    .where(and(eq(userLessonProgress.userId, userId), gte(userLessonProgress.progressPct, 100)));
  return row?.count ?? 0;
}

export async function isLessonComplete(db: Db | Tx, userId: string, lessonId: string): Promise<boolean> {
  const [row] = await db
    .select({ pct: userLessonProgress.progressPct })
    .from(userLessonProgress)
    .where(and(eq(userLessonProgress.userId, userId), eq(userLessonProgress.lessonId, lessonId)))
    .limit(1);
  return (row?.pct ?? 0) >= 100;
}

export async function findAttemptByKey(tx: Tx, userId: string, key: string) {
  const [row] = await tx
    .select()
    .from(lessonAttempts)
    .where(and(eq(lessonAttempts.userId, userId), eq(lessonAttempts.idempotencyKey, key)))
    .limit(1);
  return row ?? null;
}

export async function insertAttempt(
  tx: Tx,
  values: {
    userId: string;
    lessonId: string;
    answers: LessonAnswer[];
    timeSpentSec: number;
    score: number;
    xpEarned: number;
    idempotencyKey: string | null;
    createdAt: Date;
  },
): Promise<string> {
  const [row] = await tx.insert(lessonAttempts).values(values).returning({ id: lessonAttempts.id });
  return row!.id;
}

/** A user's attempts between two instants (one of their days), for the day's challenges. */
export function attemptsBetween(db: Db | Tx, userId: string, from: Date, to: Date) {
  return db
    .select({ score: lessonAttempts.score, timeSpentSec: lessonAttempts.timeSpentSec })
    .from(lessonAttempts)
    .where(
      and(
        eq(lessonAttempts.userId, userId),
        gte(lessonAttempts.createdAt, from),
        lt(lessonAttempts.createdAt, to),
      ),
    )
    .orderBy(desc(lessonAttempts.createdAt));
}

/** The challenge set of a user's day, storing `draw` first if there is none yet. */
export async function challengeSetOf(
  db: Db | Tx,
  userId: string,
  date: string,
  draw: () => { challenges: DailyChallengeDefinition[]; totalXpReward: number },
) {
  const [existing] = await db
    .select()
    .from(dailyChallenges)
    .where(and(eq(dailyChallenges.userId, userId), eq(dailyChallenges.date, date)))
    .limit(1);
  if (existing) return existing;
  const [created] = await db
    .insert(dailyChallenges)
    .values({ userId, date, ...draw() })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const [raced] = await db
    .select()
    .from(dailyChallenges)
    .where(and(eq(dailyChallenges.userId, userId), eq(dailyChallenges.date, date)));
  return raced!;
}

export async function completedChallenges(db: Db | Tx, userId: string, date: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: userChallengeProgress.challengeId })
    .from(userChallengeProgress)
    .where(
      and(
        eq(userChallengeProgress.userId, userId),
        eq(userChallengeProgress.date, date),
        sql`${userChallengeProgress.completedAt} is not null`,
      ),
    );
  return new Set(rows.map((row) => row.id));
}

/**
 * Marks a user's challenges of a day completed, each once: returns the ids completed by this call (those
 * completed before are left as they were).
 */
export async function completeChallenges(
  tx: Tx,
  params: {
    userId: string;
    date: string;
    at: Date;
    reached: { id: string; current: number; target: number }[];
  },
): Promise<string[]> {
  if (params.reached.length === 0) return [];
  const rows = await tx
    .insert(userChallengeProgress)
    .values(
      params.reached.map((challenge) => ({
        userId: params.userId,
        date: params.date,
        challengeId: challenge.id,
        current: challenge.current,
        target: challenge.target,
        completedAt: params.at,
      })),
    )
    .onConflictDoUpdate({
      target: [userChallengeProgress.userId, userChallengeProgress.date, userChallengeProgress.challengeId],
      set: { current: sql`excluded.current`, completedAt: sql`excluded.completed_at` },
      where: isNull(userChallengeProgress.completedAt),
    })
    .returning({ id: userChallengeProgress.challengeId });
  return rows.map((row) => row.id);
}

/** A user's per-language progress rows (minutes today, XP) and their counters. */
export async function learnerTotals(db: Db | Tx, userId: string) {
  const [languages, [stats]] = await readAll(db, [
    () => db.select().from(userLanguageProgress).where(eq(userLanguageProgress.userId, userId)),
    () =>
      db
        .select({
          xp: userStats.xpPoints,
          streak: userStats.streakDays,
          lastActiveDate: userStats.lastActiveDate,
        })
        .from(userStats)
        .where(eq(userStats.userId, userId)),
  ]);
  return { languages, stats: stats ?? null };
}
