import { z } from 'zod';
import { LANGUAGE_CODE_PATTERN } from '../../lib/text-input.js';

/** The app's message for a bad `language` (api-contract §4). */
export const LANGUAGE_MESSAGE = 'Invalid language code format. Expected format: en, es, pa-IN, etc.';

/** Multipart fields are strings; the app sends `'true'`/`'false'`, and an empty field means "not given". */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', ''])
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : value === 'true'));

/**
 * The text fields of `POST /api/stt/transcribe` beside the `audio` file (api-contract §4). `punctuation`
 * defaults on (the provider's punctuation is kept), `formatting` to `basic`, the others off. Without a
 * `language` the provider detects it.
 */
export const transcribeFields = z.object({
  language: z
    .string()
    .trim()
    .max(16, LANGUAGE_MESSAGE)
    .optional()
    .transform((value) => value || undefined)
    .refine((value) => value === undefined || LANGUAGE_CODE_PATTERN.test(value), LANGUAGE_MESSAGE),
  punctuation: flag(true),
  formatting: z
    .enum(['none', 'basic', 'enhanced', ''])
    .optional()
    .transform((value) => value || 'basic'),
  alternatives: flag(false),
  autoDetectLanguage: flag(false),
});
export type TranscribeFields = z.output<typeof transcribeFields>;

/** What the route answers: the app reads `text` and `language`, and `confidence`/`alternatives` when there. */
export interface TranscriptionDto {
  text: string;
  language: string;
  confidence?: number;
  /** Only when asked for: OpenAI-compatible providers give one hypothesis, so other ones are listed here. */
  alternatives?: { text: string; confidence?: number }[];
}
