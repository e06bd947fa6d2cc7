import type { Tx } from '../../db/client.js';
import type { LessonAnswer } from '../../db/schema/index.js';
import { AppError, type FieldIssue } from '../../lib/errors.js';
import { boostedRewards, masteryOf, PASS_SCORE, runningMean, submissionXp } from '../gamification/rules.js';
import {
  countGrantedXp,
  lockLearner,
  recordActivity,
  type UnlockedAchievement,
  type UnlockedBadge,
} from '../gamification/service.js';
import { applyRankingUpdate } from '../leaderboard/boards.js';
import { ensureCardsForItems } from '../srs/service.js';
import { localDate } from '../users/local-date.js';
import { completeChallenges } from './challenges.js';
import { learnerLessonExercises } from './course.js';
import { exerciseSet, isLocked, progressReport, requireLearner, requireLesson } from './practice.js';
import * as repo from './practice-repo.js';
import type { ScoredAnswer, SubmitInput, UpdateProgressInput, UserProgressDto } from './schema.js';
import { isCorrect } from './scoring.js';
import type { LessonsDeps } from './service.js';

export interface SubmitResult {
  score: number;
  xpEarned: number;
  progress: UserProgressDto;
  correctCount: number;
  total: number;
  /** Per scored answer, whether it was right and what was expected. Empty for client-scored answers. */
  results: { exerciseId: string; correct: boolean; correctAnswer: string | string[] }[];
  unlocked: { badges: UnlockedBadge[]; achievements: UnlockedAchievement[] };
  streakDays: number;
  level: number;
  /** The same idempotency key was submitted before: nothing new was recorded or paid. */
  replayed: boolean;
}

/**
 * `lessons.submit`: scores the answers (on the server against the lesson's exercises, or, in the
 * contract's legacy `{id, correct}` shape, as the client scored them, for capped XP) and records the
 * attempt in one transaction with everything it earns: the XP ledger entry, the lesson's progress and
 * mastery, the streak, completed daily challenges, badges and achievements, then the leaderboards.
 * The learner's counters are locked first, so concurrent submissions apply one at a time, and an
 * `idempotencyKey` already used answers with the first submission's result and pays nothing again.
 * NOT_FOUND for an unknown lesson, FORBIDDEN for a locked one, VALIDATION_ERROR for answers that are not
 * the lesson's exercises or leave some unanswered.
 */
export async function submit(deps: LessonsDeps, userId: string, input: SubmitInput): Promise<SubmitResult> {
  const now = deps.clock();
  const [lesson, learner] = await Promise.all([
    requireLesson(deps.db, userId, input.lessonId),
    requireLearner(deps, userId),
  ]);
  const pool = await learnerLessonExercises(deps.db, lesson);

  const outcome = await deps.db.transaction(async (tx) => {
    const counters = await lockLearner({ db: tx }, userId);
    if (input.idempotencyKey) {
      const previous = await repo.findAttemptByKey(tx, userId, input.idempotencyKey);
      if (previous) {
        return {
          replayed: true as const,
          score: previous.score,
          xpEarned: previous.xpEarned,
          answers: previous.answers,
          progress: await progressReport(tx, userId, learner.timeZone, lesson.language, now),
        };
      }
    }
    if (await isLocked(tx, userId, lesson, learner.isPremium)) {
      throw new AppError(
        'FORBIDDEN',
        'Complete the previous lesson first, or unlock every lesson with Premium',
      );
    }
    const completedBefore = await repo.countCompletedLessons(tx, userId);
    const scored = scoreAnswers(lesson, pool, completedBefore, input.answers);
    const rewards = boostedRewards(lesson.xpReward, lesson.perfectBonus, scored.boost);
    const xp = submissionXp({ ...scored, ...rewards, scoredByServer: scored.results.length > 0 });

    const attemptId = await repo.insertAttempt(tx, {
      userId,
      lessonId: lesson.id,
      answers: scored.answers,
      timeSpentSec: input.timeSpent,
      score: scored.score,
      xpEarned: xp,
      idempotencyKey: input.idempotencyKey ?? null,
      createdAt: now,
    });
    const completedNow = await recordPractice(tx, {
      userId,
      lesson,
      subModuleIds: scored.score >= PASS_SCORE ? scored.subModuleIds : [],
      score: scored.score,
      timeSpent: input.timeSpent,
      now,
    });
    const wordsLearned = await ensureCardsForItems({ db: tx }, userId, scored.learnedItemIds);
    const challengeXp = await completeChallenges(
      tx,
      userId,
      learner.timeZone,
      localDate(learner.timeZone, now),
      now,
    );
    const activity = await recordActivity(
      { db: tx },
      {
        userId,
        at: now,
        timeZone: learner.timeZone,
        language: lesson.language,
        minutes: Math.round(input.timeSpent / 60),
        xp: [
          { amount: xp, source: 'lesson', refId: attemptId },
          ...challengeXp.map((award) => ({ ...award, source: 'challenge' as const })),
        ],
        lessonsCompleted: completedNow ? 1 : 0,
        wordsLearned,
      },
      { locked: counters },
    );
    return {
      replayed: false as const,
      ...scored,
      activity,
      progress: await progressReport(tx, userId, learner.timeZone, lesson.language, now),
    };
  });

  if (outcome.replayed) {
    const correctCount = outcome.answers.filter((answer) => answer.correct).length;
    return {
      score: outcome.score,
      xpEarned: outcome.xpEarned,
      progress: outcome.progress,
      correctCount,
      total: outcome.answers.length,
      results: [],
      unlocked: { badges: [], achievements: [] },
      streakDays: outcome.progress.streakDays,
      level: Math.floor(outcome.progress.totalXP / 100) + 1,
      replayed: true,
    };
  }
  deps.relay.wake();
  deps.metrics.business.lessonsSubmitted.inc();
  countGrantedXp(deps.metrics, outcome.activity);
  await applyRankingUpdate(deps, outcome.activity.rankings);
  return {
    score: outcome.score,
    xpEarned: outcome.activity.xpEarned,
    progress: outcome.progress,
    correctCount: outcome.correct,
    total: outcome.total,
    results: outcome.results,
    unlocked: outcome.activity.unlocked,
    streakDays: outcome.activity.totals.streakDays,
    level: outcome.activity.totals.level,
    replayed: false,
  };
}

/** Scores answers; see `submit` for the two shapes. */
function scoreAnswers(
  lesson: repo.PracticeLesson,
  pool: repo.PracticeExercise[],
  completedBefore: number,
  answers: SubmitInput['answers'],
) {
  const { boost, exercises } = exerciseSet(lesson, pool, completedBefore);
  if (answers.length === 0 || !('exerciseId' in answers[0]!)) {
    const legacy = answers as { id: string; correct: boolean }[];
    const correct = legacy.filter((answer) => answer.correct).length;
    return {
      boost,
      correct,
      total: legacy.length,
      score: Math.round((correct / Math.max(1, legacy.length)) * 100),
      answers: legacy.map(({ id, correct }): LessonAnswer => ({ id, correct })),
      results: [],
      learnedItemIds: [],
      // The contract's own rule for a client-scored submission: its first sub-module.
      subModuleIds: lesson.subModuleIds.slice(0, 1),
    };
  }

  const byId = new Map(pool.map((exercise) => [exercise.id, exercise]));
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [index, answer] of (answers as ScoredAnswer[]).entries()) {
    if (!byId.has(answer.exerciseId)) {
      issues.push({
        path: `answers.${index}.exerciseId`,
        message: 'Not an exercise of this lesson',
        code: 'UNKNOWN',
      });
    } else if (seen.has(answer.exerciseId)) {
      issues.push({ path: `answers.${index}.exerciseId`, message: 'Answered twice', code: 'DUPLICATE' });
    }
    seen.add(answer.exerciseId);
  }
  if (issues.length === 0 && seen.size < exercises.length) {
    issues.push({
      path: 'answers',
      message: `Answer all ${exercises.length} exercises of the lesson`,
      code: 'ANSWERS_MISSING',
    });
  }
  if (issues.length > 0) throw new AppError('VALIDATION_ERROR', issues[0]!.message, { issues });

  const results = (answers as ScoredAnswer[]).map((answer) => {
    const exercise = byId.get(answer.exerciseId)!;
    return {
      exerciseId: exercise.id,
      correct: isCorrect(exercise, answer.answer),
      correctAnswer: exercise.correctAnswer,
      subModuleId: exercise.subModuleId,
      contentItemId: exercise.contentItemId,
    };
  });
  const correct = results.filter((result) => result.correct).length;
  return {
    boost,
    correct,
    total: results.length,
    score: Math.round((correct / results.length) * 100),
    answers: results.map(({ exerciseId, correct }): LessonAnswer => ({ id: exerciseId, correct })),
    results: results.map(({ exerciseId, correct, correctAnswer }) => ({
      exerciseId,
      correct,
      correctAnswer,
    })),
    subModuleIds: [...new Set(results.flatMap((result) => (result.subModuleId ? [result.subModuleId] : [])))],
    // The words and phrases answered right: each gets a spaced-repetition card, and a new card is a word learned.
    learnedItemIds: results.flatMap((result) =>
      result.correct && result.contentItemId ? [result.contentItemId] : [],
    ),
  };
}

/**
 * Updates a lesson's progress after practice: completed sub-modules, time, running accuracy, mastery.
 * Returns whether this completed the lesson (every sub-module done) for the first time.
 */
async function recordPractice(
  tx: Tx,
  params: {
    userId: string;
    lesson: repo.PracticeLesson;
    subModuleIds: string[];
    score: number | undefined;
    timeSpent: number;
    now: Date;
  },
): Promise<boolean> {
  const { userId, lesson } = params;
  const { progress: row, attempts } = await repo.findProgress(tx, userId, lesson.id);
  const completed = [...new Set([...(row?.completedSubModules ?? []), ...params.subModuleIds])].filter((id) =>
    lesson.subModuleIds.includes(id),
  );
  const progressPct =
    lesson.subModuleIds.length === 0 ? 0 : (completed.length / lesson.subModuleIds.length) * 100;
  const samples = params.score === undefined ? 0 : attempts || 1;
  const accuracy =
    params.score === undefined
      ? (row?.accuracy ?? null)
      : runningMean(row?.accuracy ?? null, samples, params.score);
  await repo.saveProgress(tx, {
    userId,
    lessonId: lesson.id,
    progressPct: Math.min(100, progressPct),
    lastPracticedAt: params.now,
    totalTimeSec: (row?.totalTimeSec ?? 0) + params.timeSpent,
    accuracy,
    completedSubModules: completed,
    masteryLevel: masteryOf(progressPct, accuracy, row?.masteryLevel ?? 'learning'),
    updatedAt: params.now,
  });
  return (row?.progressPct ?? 0) < 100 && progressPct >= 100;
}

/**
 * `lessons.updateProgress` (api-contract §3.5): records practice of a sub-module — completion, time and a
 * score — and counts toward the streak. Client-reported `xpEarned` is not paid: XP comes from `submit`.
 * Answers the UserProgress with the badges and achievements this practice unlocked.
 * NOT_FOUND for an unknown lesson or a sub-module of another lesson.
 */
export async function updateProgress(deps: LessonsDeps, userId: string, input: UpdateProgressInput) {
  const now = deps.clock();
  const [lesson, learner] = await Promise.all([
    requireLesson(deps.db, userId, input.lessonId),
    requireLearner(deps, userId),
  ]);
  if (!lesson.subModuleIds.includes(input.subModuleId)) {
    throw new AppError('NOT_FOUND', 'No such sub-module in this lesson');
  }
  const { progress, activity } = await deps.db.transaction(async (tx) => {
    const counters = await lockLearner({ db: tx }, userId);
    const completedNow = await recordPractice(tx, {
      userId,
      lesson,
      subModuleIds: input.completed ? [input.subModuleId] : [],
      score: input.score,
      timeSpent: input.timeSpent ?? 0,
      now,
    });
    const activity = await recordActivity(
      { db: tx },
      {
        userId,
        at: now,
        timeZone: learner.timeZone,
        language: lesson.language,
        minutes: Math.round((input.timeSpent ?? 0) / 60),
        xp: [],
        lessonsCompleted: completedNow ? 1 : 0,
      },
      { locked: counters },
    );
    return { activity, progress: await progressReport(tx, userId, learner.timeZone, lesson.language, now) };
  });
  deps.relay.wake();
  countGrantedXp(deps.metrics, activity);
  await applyRankingUpdate(deps, activity.rankings);
  return { ...progress, unlocked: activity.unlocked };
}
