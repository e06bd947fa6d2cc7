import { z } from 'zod';
import type { LearnPayload } from '../../db/schema/index.js';
import { isOneLine, oneLine } from '../../lib/text-input.js';

/** An optional text: models send null, "" or leave it out alike; all three mean absent. */
const optionalLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isOneLine, 'must be one line of text')
    .nullish()
    .transform((value) => value || undefined);

const example = z.object({
  word: oneLine(64),
  translation: oneLine(128),
  pronunciation: optionalLine(64),
});

/**
 * The `LearnPayload` (api-contract §3.8) a model must answer for a language without seeded content:
 * bounded lengths and counts, the closed list of letter types, 0–20 and the tens among the numbers, no
 * value twice. Unknown keys are dropped, absent optional fields left out, and ids assigned here, so a
 * stored payload has exactly the contract's keys whatever the model added.
 */
export const generatedLearnPayload = z
  .object({
    alphabet: z
      .array(
        z.object({
          character: oneLine(16),
          romanization: optionalLine(32),
          pronunciation: oneLine(64),
          type: z.enum(['vowel', 'consonant', 'special']),
          difficulty: z.number().int().min(1).max(5),
          examples: z.array(example).max(4),
        }),
      )
      .min(5)
      .max(80),
    numbers: z
      .array(
        z.object({
          value: z.number().int().min(0).max(1000),
          target: oneLine(64),
          pronunciation: optionalLine(64),
        }),
      )
      .min(21)
      .max(40)
      .refine(
        (numbers) => new Set(numbers.map((n) => n.value)).size === numbers.length,
        'numbers must differ',
      )
      .refine(
        (numbers) => Array.from({ length: 21 }, (_, i) => i).every((v) => numbers.some((n) => n.value === v)),
        {
          message: 'numbers must include 0 to 20',
        },
      ),
    commonWords: z
      .array(
        z.object({
          target: oneLine(64),
          native: oneLine(128),
          pronunciation: optionalLine(64),
          theme: oneLine(32),
        }),
      )
      .min(10)
      .max(40),
    phrases: z
      .array(
        z.object({
          target: oneLine(200),
          native: oneLine(200),
          pronunciation: optionalLine(200),
          context: oneLine(64),
        }),
      )
      .min(10)
      .max(40),
    tips: z.array(oneLine(300)).min(3).max(12),
    phonics: z
      .array(
        z.object({
          sound: oneLine(32),
          ipa: optionalLine(32),
          graphemes: z.array(oneLine(16)).min(1).max(8),
          examples: z.array(example.pick({ word: true, translation: true })).max(4),
          mouthHint: optionalLine(200),
        }),
      )
      .max(30)
      .nullish(),
  })
  .transform((payload) => ({ ...payload, phonics: payload.phonics ?? undefined }));

/** Drops the keys whose value is undefined, recursively: the payload has only the keys it uses. */
function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .map(([key, child]) => [key, compact(child)]),
    ) as T;
  }
  return value;
}

/**
 * A model's answer as the LearnPayload of `code`, or null when it is not valid. Letters and sounds get
 * ids from their place (`sw_0`, `sw_phonic_0`), numbers are put in order.
 */
export function toLearnPayload(code: string, answer: unknown): LearnPayload | null {
  const parsed = generatedLearnPayload.safeParse(answer);
  return parsed.success ? asLearnPayload(code, parsed.data) : null;
}

/** A validated answer as the LearnPayload of `code`: letters and sounds get ids, numbers are sorted. */
export function asLearnPayload(code: string, answer: z.infer<typeof generatedLearnPayload>): LearnPayload {
  const { alphabet, numbers, phonics, ...rest } = answer;
  return compact({
    alphabet: alphabet.map((letter, index) => ({ id: `${code}_${index}`, ...letter })),
    numbers: [...numbers].sort((a, b) => a.value - b.value),
    ...rest,
    ...(phonics && phonics.length > 0
      ? { phonics: phonics.map((phonic, index) => ({ id: `${code}_phonic_${index}`, ...phonic })) }
      : {}),
  });
}
