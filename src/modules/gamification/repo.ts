import { and, asc, desc, eq, gte, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type Achievement,
  achievements,
  type Badge,
  badges,
  lessonAttempts,
  type NewXpEvent,
  userAchievements,
  userBadges,
  userLanguageProgress,
  userStats,
  xpEvents,
} from '../../db/schema/index.js';

/** The counters progression reads and writes, locked until the transaction ends. */
export async function lockStats(tx: Tx, userId: string) {
  const [row] = await tx
    .select({
      xpPoints: userStats.xpPoints,
      streakDays: userStats.streakDays,
      lastActiveDate: userStats.lastActiveDate,
      wordsLearned: userStats.wordsLearned,
      lessonsCompleted: userStats.lessonsCompleted,
      totalChats: userStats.totalChats,
    })
    .from(userStats)
    .where(eq(userStats.userId, userId))
    .for('update');
  return row ?? null;
}

export async function updateStats(
  tx: Tx,
  userId: string,
  values: Partial<typeof userStats.$inferInsert>,
): Promise<void> {
  await tx.update(userStats).set(values).where(eq(userStats.userId, userId));
}

export async function insertXpEvents(tx: Tx, events: NewXpEvent[]): Promise<void> {
  if (events.length > 0) await tx.insert(xpEvents).values(events);
}

/** XP of a user in the ledger since `since` (a leaderboard period). */
export async function sumXpSince(db: Db | Tx, userId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | number | null>`sum(${xpEvents.amount})` })
    .from(xpEvents)
    .where(and(eq(xpEvents.userId, userId), gte(xpEvents.createdAt, since)));
  return Number(row?.total ?? 0);
}

/** The whole ledger of a user, summed: what `user_stats.xp_points` must equal. */
export async function sumXp(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | number | null>`sum(${xpEvents.amount})` })
    .from(xpEvents)
    .where(eq(xpEvents.userId, userId));
  return Number(row?.total ?? 0);
}

/** Adds XP and minutes to the user's progress in a language, creating the row on first practice. */
export async function addLanguageProgress(
  tx: Tx,
  params: {
    userId: string;
    language: string;
    xp: number;
    minutes: number;
    today: string;
    streakDays: number;
  },
): Promise<void> {
  const { userId, language, xp, minutes, today, streakDays } = params;
  const sameDay = sql`${userLanguageProgress.dailyProgressDate} = ${today}::date`;
  await tx
    .insert(userLanguageProgress)
    .values({ userId, language, totalXp: xp, dailyProgress: minutes, dailyProgressDate: today, streakDays })
    .onConflictDoUpdate({
      target: [userLanguageProgress.userId, userLanguageProgress.language],
      set: {
        totalXp: sql`${userLanguageProgress.totalXp} + ${xp}`,
        dailyProgress: sql`case when ${sameDay} then ${userLanguageProgress.dailyProgress} + ${minutes} else ${minutes} end`,
        dailyProgressDate: sql`${today}::date`,
        streakDays,
        updatedAt: sql`now()`,
      },
    });
}

export async function countLanguages(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(userLanguageProgress)
    .where(eq(userLanguageProgress.userId, userId));
  return row?.count ?? 0;
}

export async function languagesOf(db: Db | Tx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ language: userLanguageProgress.language })
    .from(userLanguageProgress)
    .where(eq(userLanguageProgress.userId, userId))
    .orderBy(asc(userLanguageProgress.language));
  return rows.map((row) => row.language);
}

/** Perfect lessons and the mean score of the last ten attempts, for the accuracy achievements. */
export async function attemptFigures(db: Db | Tx, userId: string) {
  const [perfect] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(lessonAttempts)
    .where(and(eq(lessonAttempts.userId, userId), eq(lessonAttempts.score, 100)));
  const recent = await db
    .select({ score: lessonAttempts.score })
    .from(lessonAttempts)
    .where(eq(lessonAttempts.userId, userId))
    .orderBy(desc(lessonAttempts.createdAt))
    .limit(10);
  const meanOfLastTen =
    recent.length < 10 ? 0 : recent.reduce((sum, attempt) => sum + attempt.score, 0) / recent.length;
  return { perfectLessons: perfect?.count ?? 0, averageAccuracyLast10Lessons: meanOfLastTen };
}

/** Badges of the catalogue the user does not hold yet. */
export function badgesNotHeld(tx: Tx, userId: string): Promise<Badge[]> {
  const held = tx.select({ id: userBadges.badgeId }).from(userBadges).where(eq(userBadges.userId, userId));
  return tx.select().from(badges).where(notInArray(badges.id, held)).orderBy(asc(badges.id));
}

export async function countBadges(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(userBadges)
    .where(eq(userBadges.userId, userId));
  return row?.count ?? 0;
}

/** Awards badges; returns the ids actually awarded (a badge already held is skipped). */
export async function awardBadges(tx: Tx, userId: string, badgeIds: string[], at: Date): Promise<string[]> {
  if (badgeIds.length === 0) return [];
  const rows = await tx
    .insert(userBadges)
    .values(badgeIds.map((badgeId) => ({ userId, badgeId, unlockedAt: at })))
    .onConflictDoNothing()
    .returning({ badgeId: userBadges.badgeId });
  return rows.map((row) => row.badgeId);
}

/** Achievements of the catalogue the user has not unlocked yet. */
export function achievementsNotUnlocked(tx: Tx, userId: string): Promise<Achievement[]> {
  const unlocked = tx
    .select({ id: userAchievements.achievementId })
    .from(userAchievements)
    .where(and(eq(userAchievements.userId, userId), isNotNull(userAchievements.unlockedAt)));
  return tx
    .select()
    .from(achievements)
    .where(notInArray(achievements.id, unlocked))
    .orderBy(asc(achievements.id));
}

/** Records progress towards achievements, unlocking those whose progress reached the target. */
export async function saveAchievementProgress(
  tx: Tx,
  userId: string,
  entries: { achievementId: string; progress: number; maxProgress: number; unlockedAt: Date | null }[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insert(userAchievements)
    .values(entries.map((entry) => ({ userId, ...entry })))
    .onConflictDoUpdate({
      target: [userAchievements.userId, userAchievements.achievementId],
      set: {
        progress: sql`excluded.progress`,
        maxProgress: sql`excluded.max_progress`,
        unlockedAt: sql`coalesce(${userAchievements.unlockedAt}, excluded.unlocked_at)`,
        updatedAt: sql`now()`,
      },
    });
}

export function findBadges(db: Db | Tx, ids: string[]): Promise<Badge[]> {
  return ids.length === 0 ? Promise.resolve([]) : db.select().from(badges).where(inArray(badges.id, ids));
}

/** The badge ids and unlocked achievement titles of a user, oldest first. */
export async function trophiesOf(db: Db | Tx, userId: string) {
  const [badgeRows, achievementRows] = await Promise.all([
    db
      .select({ id: userBadges.badgeId })
      .from(userBadges)
      .where(eq(userBadges.userId, userId))
      .orderBy(asc(userBadges.unlockedAt), asc(userBadges.badgeId)),
    db
      .select({ achievement: achievements, unlockedAt: userAchievements.unlockedAt })
      .from(userAchievements)
      .innerJoin(achievements, eq(achievements.id, userAchievements.achievementId))
      .where(and(eq(userAchievements.userId, userId), isNotNull(userAchievements.unlockedAt)))
      .orderBy(asc(userAchievements.unlockedAt), asc(userAchievements.achievementId)),
  ]);
  return {
    badges: badgeRows.map((row) => row.id),
    achievements: achievementRows.map((row) => ({ ...row.achievement, unlockedAt: row.unlockedAt! })),
  };
}
