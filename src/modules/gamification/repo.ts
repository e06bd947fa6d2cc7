import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import {
  type Achievement,
  achievements,
  type Badge,
  badges,
  lessonAttempts,
  type NewXpEvent,
  progressionCounters,
  userAchievements,
  userBadges,
  userLanguageProgress,
  userStats,
  xpEvents,
} from '../../db/schema/index.js';

/** The counters progression reads and writes, locked until the transaction ends. */
export async function lockStats(tx: Tx, userId: string) {
  const [row] = await tx
    .select(progressionCounters)
    .from(userStats)
    .where(eq(userStats.userId, userId))
    .for('update');
  return row ?? null;
}

/*
 * The writes below return drizzle builders, not results: progression queues them on a WriteBatch
 * (db/write-batch.ts) and sends them as one statement.
 */

export function statsWrite(tx: Tx, userId: string, values: Partial<typeof userStats.$inferInsert>) {
  return tx.update(userStats).set(values).where(eq(userStats.userId, userId));
}

export function xpEventsWrite(tx: Tx, events: NewXpEvent[]) {
  return events.length > 0 ? tx.insert(xpEvents).values(events) : null;
}

/** Adds XP and minutes to the user's progress in a language, creating the row on first practice. */
export function languageProgressWrite(
  tx: Tx,
  params: {
    userId: string;
    language: string;
    xp: number;
    minutes: number;
    today: string;
    streakDays: number;
  },
) {
  const { userId, language, xp, minutes, today, streakDays } = params;
  const sameDay = sql`${userLanguageProgress.dailyProgressDate} = ${today}::date`;
  return tx
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

/**
 * Where a user stands before an activity is applied, in one round trip: what the achievements measure
 * (perfect lessons, the last ten scores), the languages practised, the badges and achievements held, and
 * this week's and month's XP (leaderboard periods).
 */
export async function progressionState(
  tx: Tx,
  userId: string,
  periods: { week: Date; month: Date },
): Promise<ProgressionState> {
  const [row] = await queryRows<ProgressionState>(
    tx,
    sql`select
      (select count(*)::int from ${lessonAttempts}
        where ${lessonAttempts.userId} = ${userId} and ${lessonAttempts.score} = 100) as "perfectLessons",
      array(select ${lessonAttempts.score} from ${lessonAttempts} where ${lessonAttempts.userId} = ${userId}
        order by ${lessonAttempts.createdAt} desc limit 10) as "recentScores",
      array(select ${userLanguageProgress.language} from ${userLanguageProgress}
        where ${userLanguageProgress.userId} = ${userId} order by 1) as "languages",
      array(select ${userBadges.badgeId} from ${userBadges} where ${userBadges.userId} = ${userId}) as "badges",
      array(select ${userAchievements.achievementId} from ${userAchievements}
        where ${userAchievements.userId} = ${userId} and ${userAchievements.unlockedAt} is not null)
        as "achievements",
      (select coalesce(jsonb_object_agg(${userAchievements.achievementId},
        ${userAchievements.progress} || '/' || ${userAchievements.maxProgress}), '{}')
        from ${userAchievements} where ${userAchievements.userId} = ${userId}
        and ${userAchievements.unlockedAt} is null) as "achievementProgress",
      (select coalesce(sum(${xpEvents.amount}), 0)::int from ${xpEvents} where ${xpEvents.userId} = ${userId}
        and ${xpEvents.createdAt} >= ${periods.week.toISOString()}::timestamptz) as "weekXp",
      (select coalesce(sum(${xpEvents.amount}), 0)::int from ${xpEvents} where ${xpEvents.userId} = ${userId}
        and ${xpEvents.createdAt} >= ${periods.month.toISOString()}::timestamptz) as "monthXp"`,
  );
  return row!;
}

export interface ProgressionState {
  perfectLessons: number;
  /** Scores of the last ten attempts, newest first. */
  recentScores: number[];
  languages: string[];
  badges: string[];
  achievements: string[];
  /** Progress stored towards the achievements not unlocked yet, by id: `progress/maxProgress`. */
  achievementProgress: Record<string, string>;
  weekXp: number;
  monthXp: number;
}

/** The badge catalogue, by id. */
export function badgeCatalogue(db: Db | Tx): Promise<Badge[]> {
  return db.select().from(badges).orderBy(asc(badges.id));
}

/** The achievement catalogue, by id. */
export function achievementCatalogue(db: Db | Tx): Promise<Achievement[]> {
  return db.select().from(achievements).orderBy(asc(achievements.id));
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

/** Records progress towards achievements, unlocking those whose progress reached the target. */
export function achievementProgressWrite(
  tx: Tx,
  userId: string,
  entries: { achievementId: string; progress: number; maxProgress: number; unlockedAt: Date | null }[],
) {
  if (entries.length === 0) return null;
  return tx
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

/** Ids of the achievements a user has unlocked, oldest first. */
export async function unlockedAchievementIds(db: Db | Tx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: userAchievements.achievementId })
    .from(userAchievements)
    .where(and(eq(userAchievements.userId, userId), isNotNull(userAchievements.unlockedAt)))
    .orderBy(asc(userAchievements.unlockedAt), asc(userAchievements.achievementId));
  return rows.map((row) => row.id);
}
