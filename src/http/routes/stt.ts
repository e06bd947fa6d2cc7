import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { requireProvider } from '../../integrations/ai/index.js';
import { AppError, toFieldIssues } from '../../lib/errors.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import type { PolicyName } from '../../lib/rate-limit/policies.js';
import { transcribeFields } from '../../modules/speech/schema.js';
import { type SpeechDeps, STT_SERVICE_LABEL, transcribeUpload } from '../../modules/speech/service.js';
import { appErrorResponse } from '../errors.js';
import { createRateLimit } from '../middleware/rate-limit.js';
import { fileField, readMultipart, textFields } from '../multipart.js';
import { respondJson } from '../respond.js';

export interface PlainRouteDeps extends SpeechDeps {
  rateLimits: RateLimits;
}

/** The rate-limit key of a plain request: the signed-in user's, else the client IP's. */
export type LimitKey = (c: Context) => Promise<string>;

/** Parses `value` with `schema`, or throws VALIDATION_ERROR whose message is the first issue's. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_ERROR', parsed.error.issues[0]?.message ?? 'Invalid input', {
    issues: toFieldIssues(parsed.error.issues),
  });
}

/**
 * Answers SERVICE_UNAVAILABLE (with `Retry-After`) at once when `provider()` is null, before the body is
 * read or any budget spent: a server without the provider cannot do anything with the upload.
 */
export function requireConfigured(provider: () => unknown, label: string): MiddlewareHandler {
  return async function providerConfigured(c, next) {
    if (c.req.method === 'OPTIONS') return next();
    try {
      requireProvider(provider(), label);
    } catch (error) {
      return appErrorResponse(error as AppError);
    }
    await next();
  };
}

/** The limiter's window and budget as the health answers show them (api-contract §4). */
export function rateOf(limits: RateLimits, policy: PolicyName) {
  const { points, durationSeconds } = limits.policy(policy);
  return { windowMs: durationSeconds * 1000, max: points };
}

/**
 * The transcription handler shared by `/api/stt/transcribe`, `/api/stt` and the toolkit's STT drop-ins:
 * multipart `audio` plus the contract's text fields, answered `{ text, language, confidence?,
 * alternatives? }`. 400 for a body that is not multipart, no `audio`, a text value in its place, an empty
 * file, a format the bytes do not show, or a bad field; 413 from the upload limit while the body streams.
 */
export function createTranscribeHandler(deps: SpeechDeps) {
  return async function transcribe(c: Context): Promise<Response> {
    const form = await readMultipart(c);
    const audio = await fileField(form, 'audio', {
      missing: 'No audio file provided',
      notFile: 'Invalid audio file format',
    });
    const fields = parseOrThrow(transcribeFields, textFields(form));
    const result = await transcribeUpload(
      deps,
      { bytes: audio.bytes, declaredType: audio.type },
      fields,
      c.req.raw.signal,
    );
    return respondJson(result);
  };
}

/**
 * `/api/stt/*` (api-contract §4). `POST /transcribe` transcribes an upload; `POST /` is the same route
 * (the app's fallback posts there: with audio it is transcribed, without it answers 400 instead of the old
 * mock text); `GET /health` tells whether a provider is configured and its circuit, never its address or
 * key. Uploads spend the `stt` budget of the caller (user, else IP); the upload limit and deadline are
 * mounted on the prefix in app.ts.
 */
export function createSttRoutes(deps: PlainRouteDeps, limitKey: LimitKey) {
  const gate = requireConfigured(() => deps.ai.stt, STT_SERVICE_LABEL);
  const limit = createRateLimit({ limits: deps.rateLimits, policy: 'stt', resolveKey: limitKey });
  const transcribe = createTranscribeHandler(deps);
  return new Hono()
    .get('/health', function sttHealth() {
      const client = deps.ai.stt;
      const circuit = client?.circuit ?? null;
      return respondJson({
        ok: client !== null && circuit !== 'open' && circuit !== 'isolated',
        service: 'speech-to-text',
        configured: client !== null,
        circuit,
        rate: rateOf(deps.rateLimits, 'stt'),
      });
    })
    .post('/transcribe', gate, limit, transcribe)
    .post('/', gate, limit, transcribe);
}
