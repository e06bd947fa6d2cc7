import type { Db } from '../../db/client.js';
import { currentRun } from './calendar.js';
import * as repo from './repo.js';
import type { AchievementDto } from './schema.js';

/** The current streak, day by day (oldest first) with the first activity of each day. */
export type StreakRun = { day: string; firstAt: Date }[];

/** The current streak from per-day activity (api-contract §3.7 `streakDays`). */
export function streakRunOf(days: readonly repo.DayTotals[], today: string): StreakRun {
  const firstAt = new Map(days.map((day) => [day.day, day.firstAt]));
  return currentRun(new Set(firstAt.keys()), today).map((day) => ({ day, firstAt: firstAt.get(day)! }));
}

/**
 * The catalogue's achievements the caller has unlocked, earliest first: those the gamification tables or
 * the app (`achievement_unlocked`) recorded, and those whose requirement the activity in `scope` meets,
 * for the requirements it can tell (lessons completed, streak days). A met requirement is dated when it
 * was met: the N-th lesson's time, or the first activity of the streak's N-th day.
 */
export async function achievementsOf(
  db: Db,
  scope: repo.ActivityScope,
  run: StreakRun,
): Promise<AchievementDto[]> {
  const catalogue = await repo.achievementCatalogue(db);
  const lessonGoals = catalogue.filter(
    (a) => a.requirementType === 'lessonsCompleted' && a.requirementValue >= 1,
  );
  const mostLessons = Math.max(0, ...lessonGoals.map((a) => a.requirementValue));
  const [recorded, lessonTimes] = await Promise.all([
    repo.unlockedAchievements(db, scope),
    repo.lessonTimes(db, scope, mostLessons),
  ]);

  const unlocked = new Map<string, Date>();
  const unlock = (id: string, at: Date | undefined) => {
    const known = unlocked.get(id);
    if (at && (!known || at < known)) unlocked.set(id, at);
  };
  for (const { id, unlockedAt } of recorded) unlock(id, unlockedAt);
  for (const goal of lessonGoals) unlock(goal.id, lessonTimes[goal.requirementValue - 1]);
  for (const goal of catalogue.filter((a) => a.requirementType === 'streakDays' && a.requirementValue >= 1))
    unlock(goal.id, run[goal.requirementValue - 1]?.firstAt);

  return catalogue
    .filter((achievement) => unlocked.has(achievement.id))
    .map((achievement) => ({
      id: achievement.id,
      title: achievement.title,
      description: achievement.description,
      icon: achievement.icon,
      unlockedAt: unlocked.get(achievement.id)!.toISOString(),
    }))
    .sort((a, b) => a.unlockedAt.localeCompare(b.unlockedAt) || a.id.localeCompare(b.id));
}
