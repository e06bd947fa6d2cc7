import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant, oneOf } from '../columns.js';
import { userIdRef } from './users.js';

/**
 * The kinds of event a user is told about (`notifications.onEvent`, `chat.onMessage`). The payload of
 * each is defined in src/realtime/events.ts; the CHECK keeps the table to this list.
 */
export const USER_EVENT_TYPES = [
  'badge_unlocked',
  'achievement_unlocked',
  'level_up',
  'league_changed',
  'streak_at_risk',
  'friend_passed',
  'new_follower',
  'srs_due',
  'chat_message',
] as const;

export type UserEventType = (typeof USER_EVENT_TYPES)[number];

/**
 * The transactional outbox of user events: written in the same transaction as the change that caused
 * them, so a crash between commit and publish loses nothing. A relay publishes unpublished rows in id
 * order (to the user's Redis stream and the instances' pub/sub) and stamps `published_at`; published rows
 * are kept for a while as the record of what was sent, then pruned.
 */
export const userEvents = pgTable(
  'user_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: userIdRef(),
    type: text('type', { enum: USER_EVENT_TYPES }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    publishedAt: instant('published_at'),
  },
  (t) => [
    index('user_events_unpublished_idx').on(t.id).where(sql`${t.publishedAt} is null`),
    index('user_events_user_id_id_idx').on(t.userId, t.id),
    index('user_events_published_at_idx').on(t.publishedAt),
    check('user_events_type_check', oneOf(t.type, USER_EVENT_TYPES)),
  ],
);

export type UserEventRow = typeof userEvents.$inferSelect;
