import { z } from 'zod';
import { DIFFICULTIES } from '../../db/columns.js';
import { containsProfanity } from '../../lib/safety.js';
import { languageCode, oneLine, text } from '../../lib/text-input.js';
import { lessonId } from './schema.js';

/** `lessons.generate` (api-contract §3.5): the contract's input and defaults. */
export const generateLessonInput = z.object({
  language: languageCode.default('es'),
  topic: text().trim().min(1).max(100).default('phonics'),
  difficulty: z.enum(DIFFICULTIES).default('beginner'),
  itemCount: z.number().int().min(3).max(20).default(8),
});
export type GenerateLessonInput = z.infer<typeof generateLessonInput>;

export const getGeneratedLessonInput = z.object({ id: lessonId });

export const listGeneratedLessonsInput = z.object({
  limit: z.number().int().min(1).max(50).default(20),
});

/** The content item types a generated lesson may use: the contract's closed list. */
export const GENERATED_ITEM_TYPES = ['character', 'word', 'sentence', 'syllable'] as const;

/** The categories a generated lesson may take (`Lesson.type`), so the app's type filters keep working. */
export const GENERATED_LESSON_TYPES = [
  'alphabet',
  'numbers',
  'vocabulary',
  'phrases',
  'grammar',
  'dialogue',
  'phonics',
  'culture',
] as const;

const generatedItem = z
  .object({
    type: z.enum(GENERATED_ITEM_TYPES),
    value: oneLine(120),
    pronunciation: z.string().trim().max(120).default(''),
    translation: oneLine(200),
  })
  .refine((item) => item.type !== 'character' || [...item.value].length <= 3, {
    message: 'a character item holds one letter or sign',
    path: ['value'],
  });

/**
 * What the model must answer for a lesson of `itemCount` items: bounded text, item types from the closed
 * list, at least `itemCount` distinct items (more are cut to `itemCount`: models miscount upwards), and
 * no profanity anywhere. Anything else is invalid output.
 */
export function generatedLessonSchema(itemCount: number) {
  return z
    .object({
      type: z.enum(GENERATED_LESSON_TYPES),
      title: oneLine(80),
      description: oneLine(240),
      icon: oneLine(16),
      instructions: oneLine(300),
      items: z
        .array(generatedItem)
        .min(itemCount)
        .max(itemCount + 10)
        .transform((items) => items.slice(0, itemCount))
        .refine(
          (items) => new Set(items.map((item) => item.value)).size === items.length,
          'items must differ',
        ),
    })
    .refine((lesson) => !containsProfanity(JSON.stringify(lesson)), 'inappropriate language');
}
export type GeneratedLesson = z.infer<ReturnType<typeof generatedLessonSchema>>;
