import type { Db, Tx } from '../../db/client.js';
import { DIFFICULTIES } from '../../db/columns.js';
import { readAll } from '../../db/reads.js';
import type { UserLessonProgress } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { boostOf, currentStreak, effectiveDifficulty, exerciseCountFor } from '../gamification/rules.js';
import { unlockedAchievementIds } from '../gamification/service.js';
import { learnerOf } from '../users/accounts.js';
import { addDays, localDate } from '../users/local-date.js';
import { dayActivity, drawChallenges, progressOf } from './challenges.js';
import { courseOf, learnerLesson, learnerLessonExercises, practiceLesson, previousLesson } from './course.js';
import * as repo from './practice-repo.js';
import type { ExerciseDto, ModuleProgressDto, UserProgressDto } from './schema.js';
import { type LessonsDeps, listLessons } from './service.js';

/** The exercises a learner is asked for at a lesson's difficulty before any boost (§7.4 presets). */
const BASE_EXERCISES = { beginner: 6, intermediate: 10, advanced: 14, expert: 14 } as const;
/** Below this accuracy a lesson's area is weak, from the other strong. */
const WEAK_BELOW = 70;
const STRONG_FROM = 90;
/** How far back a daily challenge may be looked up. */
const CHALLENGE_HISTORY_DAYS = 30;

/** The learner's zone and premium status; NOT_FOUND when the account is gone. */
export async function requireLearner(deps: { db: Db | Tx; clock: () => Date }, userId: string) {
  const learner = await learnerOf(deps, userId, deps.clock());
  if (!learner) throw new AppError('NOT_FOUND', 'User not found');
  return learner;
}

/** A catalogue lesson, or one the learner generated, to practise; NOT_FOUND otherwise. */
export async function requireLesson(db: Db | Tx, userId: string, lessonId: string) {
  const lesson = await learnerLesson(db, userId, lessonId);
  if (!lesson) throw new AppError('NOT_FOUND', 'Lesson not found');
  return lesson;
}

/**
 * The lesson locking rule (§7.4): a lesson above beginner stays locked until the one before it in the
 * course is completed, unless the learner is premium.
 */
export async function isLocked(
  db: Db | Tx,
  userId: string,
  lesson: repo.PracticeLesson,
  isPremium: boolean,
): Promise<boolean> {
  if (isPremium || lesson.difficulty === 'beginner' || lesson.position === null) return false;
  const previous = await previousLesson(db, lesson.language, lesson.position);
  return previous !== null && !(await repo.isLessonComplete(db, userId, previous));
}

const DIFFICULTY_RANK = Object.fromEntries(DIFFICULTIES.map((difficulty, index) => [difficulty, index]));

/**
 * The exercises a learner is asked for in a lesson, given how many lessons they have completed: up to the
 * boosted count (§7.4), of the difficulties at or below their working tier, taken in turn from each
 * sub-module so that one passing submission covers the whole lesson.
 */
export function exerciseSet(lesson: repo.PracticeLesson, pool: repo.PracticeExercise[], completed: number) {
  const boost = boostOf(completed);
  const tier = effectiveDifficulty(lesson.difficulty, completed);
  const fitting = pool.filter((exercise) => DIFFICULTY_RANK[exercise.difficulty]! <= DIFFICULTY_RANK[tier]!);
  const count = exerciseCountFor(BASE_EXERCISES[lesson.difficulty], boost);
  return { boost, tier, exercises: roundRobin(fitting.length > 0 ? fitting : pool, count) };
}

/** Up to `count` exercises, one from each sub-module in turn, each sub-module's in their own order. */
function roundRobin(pool: repo.PracticeExercise[], count: number): repo.PracticeExercise[] {
  const queues = new Map<string, repo.PracticeExercise[]>();
  for (const exercise of pool) {
    const key = exercise.subModuleId ?? '';
    queues.set(key, [...(queues.get(key) ?? []), exercise]);
  }
  const picked: repo.PracticeExercise[] = [];
  while (picked.length < count && [...queues.values()].some((queue) => queue.length > 0)) {
    for (const queue of queues.values()) {
      const next = queue.shift();
      if (next && picked.length < count) picked.push(next);
    }
  }
  return picked;
}

/** `lessons.getExercises`: what to answer in a lesson, without the answers. FORBIDDEN while it is locked. */
export async function getExercises(deps: LessonsDeps, userId: string, lessonId: string) {
  const [lesson, learner] = await Promise.all([
    requireLesson(deps.db, userId, lessonId),
    requireLearner(deps, userId),
  ]);
  if (await isLocked(deps.db, userId, lesson, learner.isPremium)) {
    throw new AppError(
      'FORBIDDEN',
      'Complete the previous lesson first, or unlock every lesson with Premium',
    );
  }
  const [pool, completed] = await Promise.all([
    learnerLessonExercises(deps.db, lesson),
    repo.countCompletedLessons(deps.db, userId),
  ]);
  const { boost, tier, exercises } = exerciseSet(lesson, pool, completed);
  return {
    lessonId,
    boost,
    difficulty: tier,
    exercises: exercises.map(toExerciseDto),
  };
}

function toExerciseDto(exercise: repo.PracticeExercise): ExerciseDto {
  const base = {
    id: exercise.id,
    type: exercise.type,
    question: exercise.question,
    options: exercise.options,
    pairs: [] as ExerciseDto['pairs'],
    words: exercise.words,
    nativeText: exercise.nativeText,
    targetText: exercise.targetText,
    hint: exercise.hint,
    difficulty: exercise.difficulty,
  };
  if (exercise.type !== 'match_pairs') return base;
  // The two sides, each in its own order: showing the pairs would show the answer.
  const lefts = exercise.pairs.map((pair) => pair.left);
  const rights = exercise.pairs.map((pair) => pair.right);
  return { ...base, words: lefts, options: [...rights.slice(1), ...rights.slice(0, 1)] };
}

/** `lessons.getUserProgress`: one language's progress, or (`all`) every language's together. */
export async function getUserProgress(
  deps: LessonsDeps,
  userId: string,
  language: string | undefined,
): Promise<UserProgressDto> {
  const learner = await requireLearner(deps, userId);
  return progressReport(deps.db, userId, learner.timeZone, language ?? 'all', deps.clock());
}

/** The UserProgress of a language (or `all`), read in the caller's transaction when given one. */
export async function progressReport(
  db: Db | Tx,
  userId: string,
  timeZone: string,
  language: string,
  now: Date,
): Promise<UserProgressDto> {
  const catalogue = language === 'all' ? null : await courseOf(db, language);
  const [rows, totals, achievements] = await readAll(db, [
    () =>
      repo.progressOf(
        db,
        userId,
        catalogue?.map((lesson) => lesson.id),
      ),
    () => repo.learnerTotals(db, userId),
    () => unlockedAchievementIds({ db }, userId),
  ]);
  const today = localDate(timeZone, now);
  const scope = totals.languages.filter((row) => language === 'all' || row.language === language);
  const completed = rows.filter((row) => row.progressPct >= 100).length;
  return {
    userId,
    language,
    modules: rows.map(toModuleProgress),
    overallProgress: catalogue && catalogue.length > 0 ? Math.round((completed / catalogue.length) * 100) : 0,
    dailyGoal: scope[0]?.dailyGoal ?? 15,
    dailyProgress: scope
      .filter((row) => row.dailyProgressDate === today)
      .reduce((sum, row) => sum + row.dailyProgress, 0),
    streakDays: currentStreak(totals.stats?.streak ?? 0, totals.stats?.lastActiveDate ?? null, today),
    totalXP: language === 'all' ? (totals.stats?.xp ?? 0) : (scope[0]?.totalXp ?? 0),
    achievements,
    weakAreas: rows
      .filter((row) => row.accuracy !== null && row.accuracy < WEAK_BELOW)
      .map((row) => row.lessonId),
    strongAreas: rows
      .filter((row) => row.accuracy !== null && row.accuracy >= STRONG_FROM)
      .map((row) => row.lessonId),
  };
}

function toModuleProgress(row: UserLessonProgress): ModuleProgressDto {
  return {
    moduleId: row.lessonId,
    progress: Math.round(row.progressPct * 10) / 10,
    lastPracticed: row.lastPracticedAt,
    totalTime: row.totalTimeSec,
    accuracy: Math.round((row.accuracy ?? 0) * 10) / 10,
    completedSubModules: row.completedSubModules,
    masteryLevel: row.masteryLevel,
  };
}

/**
 * `lessons.getRecommended`: the language's lessons the learner has not completed, easiest first, each with
 * `isLocked` as it stands for this learner.
 */
export async function getRecommended(deps: LessonsDeps, userId: string, language: string, limit: number) {
  const learner = await requireLearner(deps, userId);
  const [lessons, rows] = await Promise.all([
    listLessons(deps, { language }),
    repo.progressOf(deps.db, userId),
  ]);
  const done = new Set(rows.filter((row) => row.progressPct >= 100).map((row) => row.lessonId));
  const open = lessons
    .filter((lesson) => !done.has(lesson.id))
    .sort((a, b) => DIFFICULTY_RANK[a.difficulty]! - DIFFICULTY_RANK[b.difficulty]!)
    .slice(0, limit);
  return Promise.all(
    open.map(async (lesson) => {
      const practice = await practiceLesson(deps.db, lesson.id);
      const locked = practice
        ? await isLocked(deps.db, userId, practice, learner.isPremium)
        : lesson.isLocked;
      return { ...lesson, isLocked: locked };
    }),
  );
}

/**
 * `lessons.getDailyChallenge`: the learner's challenges of a day (their today by default), drawn once per
 * day and kept, with progress from that day's attempts. VALIDATION_ERROR for a day in the future or more
 * than CHALLENGE_HISTORY_DAYS ago.
 */
export async function getDailyChallenge(deps: LessonsDeps, userId: string, date: string | undefined) {
  const learner = await requireLearner(deps, userId);
  const today = localDate(learner.timeZone, deps.clock());
  const day = date ?? today;
  if (day > today || day < addDays(today, -CHALLENGE_HISTORY_DAYS)) {
    throw new AppError('VALIDATION_ERROR', `date must be within the last ${CHALLENGE_HISTORY_DAYS} days`, {
      issues: [{ path: 'date', message: 'out of range', code: 'OUT_OF_RANGE' }],
    });
  }
  const set = await repo.challengeSetOf(deps.db, userId, day, () => drawChallenges(userId, day));
  const [activity, completed] = await Promise.all([
    dayActivity(deps.db, userId, learner.timeZone, day),
    repo.completedChallenges(deps.db, userId, day),
  ]);
  const challenges = set.challenges.map((challenge) => {
    const current = progressOf(challenge, activity);
    return { ...challenge, current, completed: completed.has(challenge.id) || current >= challenge.target };
  });
  return {
    id: `challenge-${day}`,
    date: day,
    challenges,
    totalXPReward: set.totalXpReward,
    completed: challenges.every((challenge) => challenge.completed),
  };
}
