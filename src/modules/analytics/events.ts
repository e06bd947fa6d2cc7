import { z } from 'zod';
import { DIFFICULTIES, PROFICIENCY_LEVELS } from '../../db/columns.js';
import type { AnalyticsEventName } from '../../db/schema/analytics.js';
import { languageCode, text } from '../../lib/text-input.js';

/**
 * The properties each event may carry. The names come from the closed list in db/schema/analytics.ts and
 * the compiler holds this table to it (a name without a schema, or a schema without a name, does not
 * build). Every schema is strict, so a misspelt property is refused rather than silently lost, and bounded,
 * so no event stores more than a few hundred bytes. Units: accuracy in percent (0–100), `duration` of a
 * practice session in minutes, anything named `…Seconds` or `…Ms` in that unit.
 */

/** The language an event is about; events without one count for the language the user is learning. */
const language = languageCode.optional();
/** An identifier the app chose (lesson, card, session…). */
const id = text().trim().min(1).max(128);
/** A topic or lesson category (`grammar`, `vocabulary`…), compared lower-cased. */
const topic = z
  .string()
  .trim()
  .toLowerCase()
  .max(40)
  .regex(/^[a-z0-9][a-z0-9 _-]*$/, 'must be a topic such as grammar or vocabulary');
const accuracy = z.number().min(0).max(100);
const xp = z.number().int().min(0).max(10_000);
const seconds = z.number().int().min(0).max(86_400);
const count = z.number().int().min(0).max(10_000);
const difficulty = z.enum(DIFFICULTIES);
const level = z.enum(PROFICIENCY_LEVELS);

export const EVENT_PROPERTIES = {
  app_opened: z.strictObject({
    language,
    platform: z.enum(['ios', 'android', 'web']).optional(),
    appVersion: text().trim().min(1).max(32).optional(),
  }),
  screen_viewed: z.strictObject({ screen: text().trim().min(1).max(64), language }),
  lesson_started: z.strictObject({
    lessonId: id,
    topic: topic.optional(),
    difficulty: difficulty.optional(),
    language,
  }),
  lesson_completed: z.strictObject({
    lessonId: id,
    accuracy,
    xp,
    topic: topic.optional(),
    difficulty: difficulty.optional(),
    durationSeconds: seconds.optional(),
    language,
  }),
  practice_session: z.strictObject({
    /** Minutes. */
    duration: z.number().min(0).max(1_440),
    topic: topic.optional(),
    accuracy: accuracy.optional(),
    language,
  }),
  /** Never the message itself: analytics holds no user text. */
  chat_message_sent: z.strictObject({ characters: count.optional(), language }),
  word_learned: z.strictObject({ wordId: id.optional(), topic: topic.optional(), language }),
  review_completed: z.strictObject({
    cardId: id.optional(),
    quality: z.number().int().min(0).max(5),
    timeTakenMs: z.number().int().min(0).max(300_000).optional(),
    language,
  }),
  achievement_unlocked: z.strictObject({ achievementId: text().trim().min(1).max(64), language }),
  difficulty_select: z.strictObject({ level, source: z.enum(['onboarding', 'settings']), language }),
  difficulty_auto_adapt: z.strictObject({
    from: level,
    to: level,
    sessionId: id.optional(),
    accuracy,
    language,
  }),
  session_metrics: z
    .strictObject({
      level,
      correct: count,
      total: count.min(1),
      accuracy,
      sessionId: id.optional(),
      language,
    })
    .refine((value) => value.correct <= value.total, { path: ['correct'], error: 'must not exceed total' }),
  dialogue_start: z.strictObject({
    sessionId: id.optional(),
    sceneId: id.optional(),
    difficulty: level.optional(),
    language,
  }),
  dialogue_turn: z.strictObject({
    sessionId: id.optional(),
    accuracy: accuracy.optional(),
    fluency: accuracy.optional(),
    language,
  }),
  dialogue_end: z.strictObject({
    sessionId: id.optional(),
    turns: count.optional(),
    durationSeconds: seconds.optional(),
    language,
  }),
} as const satisfies Record<AnalyticsEventName, z.ZodType<Record<string, unknown>>>;

/** The most properties any event has; the input's generic map is bounded by it before the event's schema. */
export const MAX_EVENT_PROPERTIES = Math.max(
  ...Object.values(EVENT_PROPERTIES).map((schema) => Object.keys(schema.shape).length),
);

export type EventProperties = Record<string, string | number | boolean>;
