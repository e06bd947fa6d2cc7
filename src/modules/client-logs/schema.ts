import { z } from 'zod';
import { CLIENT_LOG_LEVELS } from '../../db/schema/client-logs.js';
import { isStorableText, text } from '../../lib/text-input.js';

/** Most entries in one batch: the app flushes its buffer well before it holds this many. */
export const MAX_LOGS_PER_BATCH = 100;
export const MAX_MESSAGE_LENGTH = 4_000;
/** Largest `data` of one entry, as JSON text. */
export const MAX_DATA_JSON_LENGTH = 8_192;
/** Deepest nesting inside `data` (an object of objects of …). */
export const MAX_DATA_DEPTH = 5;
/**
 * Deepest nesting anywhere in a request body: `{logs: [{data: …}]}` is three levels before `data`. Judged
 * before the schema, by a loop: a body of 100 KB of `[` would otherwise overflow the stack of whatever
 * walks it recursively (validation, JSON.stringify).
 */
export const MAX_BODY_DEPTH = 4 + MAX_DATA_DEPTH;

const short = (max: number) => text().max(max);

/** The level as the app writes it (`INFO`, `SECURITY`), in any case, to the stored lower-case level. */
const level = z
  .string()
  .max(16)
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(CLIENT_LOG_LEVELS));

/** An instant as an ISO 8601 string with its offset, or epoch milliseconds. */
const instant = z.union([
  z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  z
    .number()
    .int()
    .min(0)
    .max(8_640_000_000_000_000)
    .transform((value) => new Date(value)),
]);

/** How deep a JSON value nests (a scalar is 0, `{}` 1), walked without recursion; stops past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Every string of a JSON value, keys included, is one PostgreSQL's jsonb can hold (no NUL). */
function storableJson(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([key, child]) => isStorableText(key) && storableJson(child));
}

/** The entry's context: a JSON object, bounded in depth and size, every string storable. */
const data = z
  .record(z.string().max(100), z.json())
  .refine((value) => jsonDepth(value, MAX_DATA_DEPTH) <= MAX_DATA_DEPTH, {
    error: `must nest at most ${MAX_DATA_DEPTH} levels deep`,
  })
  .refine((value) => JSON.stringify(value).length <= MAX_DATA_JSON_LENGTH, {
    error: `must be at most ${MAX_DATA_JSON_LENGTH} characters as JSON`,
  })
  .refine(storableJson, { error: 'must not contain NUL characters or unpaired surrogates' });

/**
 * One entry of the app's logger (api-contract §10 `client_logs`). `user` and `req` are what the app
 * believes about itself: validated, not stored (the user is the one the access token names, and the
 * request is in our own access log).
 */
export const logEnvelope = z.object({
  ts: instant,
  lvl: level,
  cat: short(100),
  evt: short(100),
  msg: short(MAX_MESSAGE_LENGTH),
  data: data.optional(),
  device: z
    .object({
      model: short(200),
      os: short(200),
      appVer: short(64),
      platform: short(32),
      locale: short(64),
      timezone: short(64),
      fingerprint: short(200),
    })
    .partial()
    .optional(),
  user: z
    .object({ sub: short(128), role: short(32), tier: short(32), cohort: short(64) })
    .partial()
    .optional(),
  req: z
    .object({
      method: short(16),
      path: short(2_048),
      status: z.number().int().min(0).max(999),
      duration: z.number().min(0).max(86_400_000),
      ipHash: short(128),
      userAgent: short(512),
      referer: short(2_048),
    })
    .partial()
    .optional(),
  corr: z
    .object({ correlationId: short(128), sessionId: short(128), parentId: short(128), traceId: short(128) })
    .partial()
    .optional(),
});

export type LogEnvelope = z.infer<typeof logEnvelope>;

/** `POST /api/ingest/logs`: the entries and, from a signing app, their signature. */
export const logBatch = z.object({
  logs: z.array(logEnvelope).max(MAX_LOGS_PER_BATCH),
  sig: z
    .object({
      hmac: z.string().max(128),
      algo: z.literal('HMAC-SHA256'),
      ts: z.iso.datetime({ offset: true }),
    })
    .optional(),
});

export type LogBatch = z.infer<typeof logBatch>;
