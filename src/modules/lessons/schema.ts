import { z } from 'zod';
import { DIFFICULTIES } from '../../db/columns.js';
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

/** Wire shapes of api-contract §3.5. */
export interface ContentItemDto {
  id: string;
  type: string;
  value: string;
  pronunciation: string;
  translation: string;
}

export interface SubModuleDto {
  id: string;
  title: string;
  type: string;
  content: { instructions: string; items: ContentItemDto[] };
  isCompleted: boolean;
}

export interface LessonDto {
  id: string;
  type: string;
  title: string;
  description: string;
  icon: string;
  difficulty: (typeof DIFFICULTIES)[number];
  estimatedTime: number;
  xpReward: number;
  isLocked: boolean;
  language: string;
  subModules: SubModuleDto[];
}

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
export interface ModuleProgressDto {
  moduleId: string;
  progress: number;
  lastPracticed: Date | null;
  totalTime: number;
  accuracy: number;
  completedSubModules: string[];
  masteryLevel: 'learning' | 'practicing' | 'mastered';
}

/** The client's `UserProgress`: one language, or `all`. */
export interface UserProgressDto {
  userId: string;
  language: string;
  modules: ModuleProgressDto[];
  overallProgress: number;
  dailyGoal: number;
  dailyProgress: number;
  streakDays: number;
  totalXP: number;
  achievements: string[];
  weakAreas: string[];
  strongAreas: string[];
}

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
