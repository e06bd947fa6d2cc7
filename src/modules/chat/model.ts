import { z } from 'zod';
import type { CompletionRequest, LlmClient, LlmMessage } from '../../integrations/ai/index.js';

/**
 * Structured answers from the model: a JSON object validated with Zod. An answer that fails validation
 * is asked for once more; the second failure hands the raw text back for the caller to degrade.
 */
export type StructuredAnswer<T> = { ok: true; value: T } | { ok: false; raw: string };

/** The JSON in a model's text: the whole text, or a fenced block (some models add the fence anyway). */
export function parseJsonText(raw: string): unknown {
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(raw.trim());
  try {
    return JSON.parse(fenced ? fenced[1]! : raw);
  } catch {
    return undefined;
  }
}

const RETRY_NOTE: LlmMessage = {
  role: 'system',
  content: 'Your previous answer was not valid. Answer with exactly one JSON object in the format described.',
};

/**
 * Asks for a JSON answer and validates it, retrying once on an invalid one. Provider failures (AppError:
 * SERVICE_UNAVAILABLE, TIMEOUT, UPSTREAM_ERROR) propagate; the provider client has retried them already.
 */
export async function completeStructured<T>(
  llm: LlmClient,
  request: Omit<CompletionRequest, 'json'>,
  schema: z.ZodType<T>,
): Promise<StructuredAnswer<T>> {
  let raw = '';
  for (const messages of [request.messages, [...request.messages, RETRY_NOTE]]) {
    const completion = await llm.complete({ ...request, messages, json: true });
    raw = completion.text;
    const parsed = schema.safeParse(parseJsonText(raw));
    if (parsed.success) return { ok: true, value: parsed.data };
  }
  return { ok: false, raw };
}

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
  const json = parseJsonText(raw);
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
