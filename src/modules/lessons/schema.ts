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
