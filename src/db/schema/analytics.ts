import { check, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant, oneOf } from '../columns.js';
import { userIdRef } from './users.js';

/**
 * The closed list of events the app may send (`analytics.trackEvent`), from api-contract §3.7 and the
 * events its docs plan (§9). Each name has a Zod schema of its properties in
 * modules/analytics/events.ts, which the compiler holds to this list. Adding a name is a constraint swap
 * (drizzle-kit generates it); the swap re-checks the table's rows, so on a large table run it in a quiet
 * hour.
 */
export const ANALYTICS_EVENT_NAMES = [
  'app_opened',
  'screen_viewed',
  'lesson_started',
  'lesson_completed',
  'practice_session',
  'chat_message_sent',
  'word_learned',
  'review_completed',
  'achievement_unlocked',
  'difficulty_select',
  'difficulty_auto_adapt',
  'session_metrics',
  'dialogue_start',
  'dialogue_turn',
  'dialogue_end',
] as const;

/**
 * Product analytics sent by the app. Append-only and the busiest table by far, so it carries as few
 * indexes as its reads allow: the primary key (user, time, id) is also the index every read uses (all of
 * them are one user's events over a time range), and nothing else is indexed.
 *
 * Ready for monthly range partitions on `occurred_at`: PostgreSQL requires every unique key of a
 * partitioned table to include the partition key, and the only unique key here is that primary key. The
 * table stays a plain one for now (drizzle-kit cannot express partitioning, and a hand-written migration
 * would have to survive every regeneration); README "Analytics events" gives the steps that turn it into a
 * partitioned table whose first partition is this table, without rewriting it, and how to add a month.
 */
export const analyticsEvents = pgTable(
  'analytics_events',
  {
    /** Chosen by the server when the event is accepted, so the answer can name it before it is written. */
    id: uuid('id').notNull().defaultRandom(),
    userId: userIdRef(),
    event: text('event', { enum: ANALYTICS_EVENT_NAMES }).notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    /** When it happened on the device (client clock, clamped to `received_at`); `received_at` is the server's. */
    occurredAt: instant('occurred_at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.occurredAt, t.id] }),
    check('analytics_events_event_check', oneOf(t.event, ANALYTICS_EVENT_NAMES)),
  ],
);

export type AnalyticsEventName = (typeof ANALYTICS_EVENT_NAMES)[number];
export type AnalyticsEvent = typeof analyticsEvents.$inferSelect;
export type NewAnalyticsEvent = typeof analyticsEvents.$inferInsert;
