import { z } from 'zod';
import { DIFFICULTIES } from '../../db/columns.js';
import { text } from '../../lib/text-input.js';

const languageCode = z
  .string()
  .trim()
  .min(2)
  .max(16)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language code such as es or pt-BR');

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
