import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

/** Product analytics sent by the app (`analytics.trackEvent`). */
export const analyticsEvents = pgTable(
  'analytics_events',
  {
    id: uuidPk(),
    userId: userIdRef(),
    event: text('event').notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    /** When it happened on the device (client clock); `received_at` is the server's. */
    occurredAt: instant('occurred_at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [
    index('analytics_events_user_id_occurred_at_idx').on(t.userId, t.occurredAt),
    index('analytics_events_event_occurred_at_idx').on(t.event, t.occurredAt),
    check('analytics_events_event_check', sql`char_length(${t.event}) between 1 and 100`),
  ],
);

export type AnalyticsEvent = typeof analyticsEvents.$inferSelect;
export type NewAnalyticsEvent = typeof analyticsEvents.$inferInsert;
