import { check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant, oneOf, uuidPk } from '../columns.js';
import { users } from './users.js';

/** The envelope's upper-case levels, stored lower-case. */
export const CLIENT_LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'notice',
  'warn',
  'error',
  'fatal',
  'security',
] as const;

export interface ClientLogDevice {
  model?: string;
  os?: string;
  appVer?: string;
  platform?: string;
  locale?: string;
  timezone?: string;
  fingerprint?: string;
}

/**
 * Logs shipped by the app to `/ingest/logs`. `expires_at` is set on insert from the level (security, error,
 * warn 90 d; notice, info 30 d; debug 7 d; trace 1 d) and a purge job deletes expired rows.
 */
export const clientLogs = pgTable(
  'client_logs',
  {
    id: uuidPk(),
    /** When the device logged it (client clock). */
    ts: instant('ts').notNull(),
    level: text('level', { enum: CLIENT_LOG_LEVELS }).notNull(),
    category: text('category').notNull(),
    event: text('event').notNull(),
    message: text('message'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    device: jsonb('device').$type<ClientLogDevice>(),
    // Set null, not cascade: security logs must survive the account until their retention ends.
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    correlationId: text('correlation_id'),
    sessionId: text('session_id'),
    receivedAt: instant('received_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [
    index('client_logs_expires_at_idx').on(t.expiresAt),
    index('client_logs_level_ts_idx').on(t.level, t.ts),
    index('client_logs_user_id_idx').on(t.userId),
    check('client_logs_level_check', oneOf(t.level, CLIENT_LOG_LEVELS)),
  ],
);

export type ClientLog = typeof clientLogs.$inferSelect;
export type NewClientLog = typeof clientLogs.$inferInsert;
