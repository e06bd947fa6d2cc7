import { z } from 'zod';
import { languageCode } from '../../lib/text-input.js';

/**
 * Base64 characters of the recording at most: about 70 KB of audio (several seconds of speech in any
 * format the app records), so that the whole request stays within the tRPC body limit (BODY_LIMIT_BYTES,
 * 100 000 by default) and an oversized clip is a field error rather than a bare 413. Longer recordings go
 * to `POST /api/stt/transcribe`, which takes uploads up to UPLOAD_LIMIT_BYTES.
 */
export const MAX_AUDIO_BASE64_CHARS = 96_000;

/** `chat.analyzePronunciation` (api-contract §3.6): base64 audio (a data URL prefix is accepted). */
export const analyzePronunciationInput = z.object({
  audioData: z
    .string()
    .min(1)
    .max(MAX_AUDIO_BASE64_CHARS)
    .transform((value) =>
      value.replace(/^data:[\w.+-]+\/[\w.+-]+(;[\w=.+-]+)*;base64,/, '').replace(/\s+/g, ''),
    )
    .refine((value) => value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value), 'must be base64 audio'),
  targetText: z.string().trim().min(1).max(500),
  language: languageCode,
});
export type AnalyzePronunciationInput = z.output<typeof analyzePronunciationInput>;

export interface PronunciationDto {
  accuracy: number;
  feedback: { word: string; accuracy: number; suggestion: string }[];
  overallScore: number;
  improvements: string[];
  /** What was heard (beside the contract's fields): lets the app show it under the score. */
  transcript: string;
}
