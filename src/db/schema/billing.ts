import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from '../columns.js';
import { users } from './users.js';

/** RevenueCat webhook deliveries already processed, keyed by RevenueCat's event id: retries are no-ops. */
export const revenuecatEvents = pgTable(
  'revenuecat_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [index('revenuecat_events_user_id_idx').on(t.userId)],
);
