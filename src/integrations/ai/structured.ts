import type { z } from 'zod';
import type { CompletionRequest, LlmClient, LlmMessage } from './types.js';

/** A JSON answer validated with Zod, or the last raw text and why it was refused. */
export type StructuredAnswer<T> = { ok: true; value: T } | { ok: false; raw: string; reasons: string };

/**
 * The JSON object in a model's answer, or undefined. Models asked for JSON still wrap it in code fences
 * or a sentence now and then: the text from the first `{` to the last `}` is parsed.
 */
export function parseModelJson(answer: string): unknown {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(answer.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/** At most five Zod issues as `path: message`, for the model's second try and for logs. */
export function summariseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || 'answer'}: ${issue.message}`)
    .join('; ');
}

/**
 * Asks for one JSON object and validates it with `schema`. An invalid answer is asked for once more,
 * telling the model what was wrong; a second one comes back as `{ok: false}` for the caller to degrade or
 * refuse. Provider failures (AppError: SERVICE_UNAVAILABLE, TIMEOUT, UPSTREAM_ERROR) propagate: the
 * client has retried them already.
 */
export async function completeStructured<T>(
  llm: Pick<LlmClient, 'complete'>,
  request: Omit<CompletionRequest, 'json'>,
  schema: z.ZodType<T>,
): Promise<StructuredAnswer<T>> {
  const messages: LlmMessage[] = [...request.messages];
  let raw = '';
  let reasons = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const completion = await llm.complete({ ...request, messages, json: true });
    raw = completion.text;
    const json = parseModelJson(raw);
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    reasons = json === undefined ? 'not a JSON object' : summariseIssues(parsed.error);
    messages.push(
      { role: 'assistant', content: raw.slice(0, 4_000) },
      {
        role: 'user',
        content: `That answer was not valid (${reasons}). Answer again with only the JSON object.`,
      },
    );
  }
  return { ok: false, raw, reasons };
}
