import { z } from 'zod';
import { DIFFICULTIES } from '../../db/columns.js';
import { MASTERY_LEVELS } from '../../db/schema/index.js';
import { languageCode, text } from '../../lib/text-input.js';

export const lessonId = text().trim().min(1).max(128);

/** `lessons.getAll`: the object is required by the contract but may be empty. */
export const getAllLessonsInput = z.object({
  language: languageCode.optional(),
  type: text().trim().min(1).max(64).optional(),
  difficulty: z.enum(DIFFICULTIES).optional(),
});
export type GetAllLessonsInput = z.infer<typeof getAllLessonsInput>;

export const getLessonByIdInput = z.object({ id: lessonId });
export type GetLessonByIdInput = z.infer<typeof getLessonByIdInput>;

/**
 * Wire shapes of api-contract §3.5: Zod schemas (the procedures' `.output()`, so also the REST document's
 * response schemas) with the TypeScript types derived from them.
 */
export const contentItemDto = z.object({
  id: z.string(),
  type: z.string(),
  value: z.string(),
  pronunciation: z.string(),
  translation: z.string(),
});
export type ContentItemDto = z.infer<typeof contentItemDto>;

export const subModuleDto = z.object({
  id: z.string(),
  title: z.string(),
  type: z.string(),
  content: z.object({ instructions: z.string(), items: z.array(contentItemDto) }),
  isCompleted: z.boolean(),
});
export type SubModuleDto = z.infer<typeof subModuleDto>;

export const lessonDto = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  description: z.string(),
  icon: z.string(),
  difficulty: z.enum(DIFFICULTIES),
  estimatedTime: z.number(),
  xpReward: z.number(),
  isLocked: z.boolean(),
  language: z.string(),
  subModules: z.array(subModuleDto),
});
export type LessonDto = z.infer<typeof lessonDto>;

/** `lessons.getUserProgress`: one language's progress, or every language's together. */
export const getUserProgressInput = z.object({ language: languageCode.optional() });
export type GetUserProgressInput = z.infer<typeof getUserProgressInput>;

/** `lessons.updateProgress` (api-contract §3.5). Client-reported XP is not paid: XP comes from `submit`. */
export const updateProgressInput = z.object({
  lessonId,
  subModuleId: text().trim().min(1).max(200),
  completed: z.boolean(),
  score: z.number().min(0).max(100).optional(),
  timeSpent: z.number().int().min(0).max(86_400).optional(),
  xpEarned: z.number().int().min(0).max(10_000).optional(),
});
export type UpdateProgressInput = z.infer<typeof updateProgressInput>;

export const getRecommendedInput = z.object({
  language: languageCode,
  limit: z.number().int().min(1).max(10).default(5),
});
export type GetRecommendedInput = z.infer<typeof getRecommendedInput>;

export const getDailyChallengeInput = z.object({
  date: z.iso.date().optional(),
});

export const getExercisesInput = z.object({ lessonId });

/** An answer the client scored itself, in the contract's legacy shape: its XP is capped. */
const legacyAnswer = z.object({ id: text().trim().min(1).max(128), correct: z.boolean() });
/** An answer the server scores against the exercise. */
const scoredAnswer = z.object({
  exerciseId: z.uuid(),
  answer: z.union([text().max(500), z.array(text().max(500)).max(20)]),
});

/**
 * `lessons.submit`: the contract's `{lessonId, answers: {id, correct}[], timeSpent}`, or answers to the
 * lesson's exercises for the server to score. `idempotencyKey` makes a retried submission count once.
 */
export const submitInput = z.object({
  lessonId,
  answers: z.union([z.array(scoredAnswer).min(1).max(20), z.array(legacyAnswer).max(50)]),
  timeSpent: z.number().int().min(0).max(86_400).default(0),
  idempotencyKey: text().trim().min(8).max(100).optional(),
});
export type SubmitInput = z.infer<typeof submitInput>;
export type ScoredAnswer = z.infer<typeof scoredAnswer>;

/** The client's `ModuleProgress`: one lesson. */
export const moduleProgressDto = z.object({
  moduleId: z.string(),
  progress: z.number(),
  lastPracticed: z.date().nullable(),
  totalTime: z.number(),
  accuracy: z.number(),
  completedSubModules: z.array(z.string()),
  masteryLevel: z.enum(MASTERY_LEVELS),
});
export type ModuleProgressDto = z.infer<typeof moduleProgressDto>;

/** The client's `UserProgress`: one language, or `all`. */
export const userProgressDto = z.object({
  userId: z.string(),
  language: z.string(),
  modules: z.array(moduleProgressDto),
  overallProgress: z.number(),
  dailyGoal: z.number(),
  dailyProgress: z.number(),
  streakDays: z.number(),
  totalXP: z.number(),
  achievements: z.array(z.string()),
  weakAreas: z.array(z.string()),
  strongAreas: z.array(z.string()),
});
export type UserProgressDto = z.infer<typeof userProgressDto>;

/** An exercise as the learner sees it: never its answer. */
export interface ExerciseDto {
  id: string;
  type: string;
  question: string;
  options: string[];
  pairs: { left: string; right: string }[];
  words: string[];
  nativeText: string | null;
  targetText: string | null;
  hint: string | null;
  difficulty: string;
}
