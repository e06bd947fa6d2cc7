import { z } from 'zod';
import { LEARN_LETTER_TYPES, type LearnPayload } from '../../db/schema/index.js';

/**
 * A language's display name ("Spanish"). Any text within the bounds is accepted: a name the service does
 * not know gets the fallback content, never an error.
 */
const languageName = z.string().trim().min(1).max(64);

/** `learn.getContent` (api-contract §3.8). */
export const getContentInput = z.object({ targetName: languageName, nativeName: languageName });
export type GetContentInput = z.infer<typeof getContentInput>;

const example = z.object({ word: z.string(), translation: z.string(), pronunciation: z.string().optional() });

/**
 * The `LearnPayload` (db/schema/learn-content.ts) as `learn.getContent` answers it: its `.output()`, so
 * also the REST document's. Checked both ways against the stored type below, so the two cannot drift.
 */
export const learnPayload = z.object({
  alphabet: z.array(
    z.object({
      id: z.string(),
      character: z.string(),
      romanization: z.string().optional(),
      pronunciation: z.string(),
      type: z.enum(LEARN_LETTER_TYPES),
      difficulty: z.number(),
      examples: z.array(example),
    }),
  ),
  numbers: z.array(z.object({ value: z.number(), target: z.string(), pronunciation: z.string().optional() })),
  commonWords: z.array(
    z.object({
      target: z.string(),
      native: z.string(),
      pronunciation: z.string().optional(),
      theme: z.string(),
    }),
  ),
  phrases: z.array(
    z.object({
      target: z.string(),
      native: z.string(),
      pronunciation: z.string().optional(),
      context: z.string(),
    }),
  ),
  tips: z.array(z.string()),
  phonics: z
    .array(
      z.object({
        id: z.string(),
        sound: z.string(),
        ipa: z.string().optional(),
        graphemes: z.array(z.string()),
        examples: z.array(z.object({ word: z.string(), translation: z.string() })),
        mouthHint: z.string().optional(),
      }),
    )
    .optional(),
}) satisfies z.ZodType<LearnPayload>;

// The reverse direction of the check above: every LearnPayload is what the schema describes.
const _everyPayloadFits = (payload: LearnPayload): z.infer<typeof learnPayload> => payload;
