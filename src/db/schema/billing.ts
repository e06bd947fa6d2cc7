import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from '../columns.js';
import { ruleCheck, textRule } from '../rules.js';
import { users } from './users.js';

/** What a RevenueCat delivery may write (RevenueCat's ids are UUIDs; the bounds only stop abuse). */
export const REVENUECAT_EVENT_RULES = { eventId: textRule(1, 200), type: textRule(1, 100) } as const;

/** RevenueCat webhook deliveries already processed, keyed by RevenueCat's event id: retries are no-ops. */
export const revenuecatEvents = pgTable(
  'revenuecat_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [
    index('revenuecat_events_user_id_idx').on(t.userId),
    ruleCheck('revenuecat_events', t.eventId, REVENUECAT_EVENT_RULES.eventId),
    ruleCheck('revenuecat_events', t.type, REVENUECAT_EVENT_RULES.type),
  ],
);
