import { z } from 'zod';
import { parseModelJson } from '../../integrations/ai/structured.js';

/** The most a stored reply may hold (chat_messages.text allows 4000 characters). */
export const REPLY_MAX = 4000;
const field = (max: number) => z.string().trim().max(max);

/** The tutor's structured answer to one learner message. */
export const tutorAnswer = z.object({
  reply: field(REPLY_MAX).min(1),
  corrections: z
    .array(
      z.object({ original: field(1000).min(1), corrected: field(1000).min(1), explanation: field(1000) }),
    )
    .max(20)
    .default([]),
  nativeTranslation: field(REPLY_MAX).nullish(),
  targetTranslation: field(REPLY_MAX).nullish(),
});
export type TutorAnswer = z.infer<typeof tutorAnswer>;

/**
 * A reply from an answer that failed validation twice: its `reply` when it is an object that has one,
 * the text itself when it is plain prose; null when nothing usable is left.
 */
export function plainReply(raw: string): string | null {
  const json = parseModelJson(raw);
  if (json !== undefined) {
    const reply = z.object({ reply: field(REPLY_MAX).min(1) }).safeParse(json);
    return reply.success ? reply.data.reply : null;
  }
  const text = raw.trim();
  if (text.length === 0 || /^[{[]/.test(text)) return null;
  return text.slice(0, REPLY_MAX);
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

/** `es` → Spanish; an unknown code stays as it is. */
export function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}
