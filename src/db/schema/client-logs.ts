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

export type ClientLogLevel = (typeof CLIENT_LOG_LEVELS)[number];

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
 * Logs shipped by the app to `POST /api/ingest/logs`, redacted before they are written. Rows live for
 * their level's retention (CLIENT_LOG_RETENTION_DAYS) counted from `received_at`, the server's clock;
 * the pruner deletes older ones level by level, which the (level, received_at) index serves.
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
    /** The envelope's `data`: the log's context. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    device: jsonb('device').$type<ClientLogDevice>(),
    appVersion: text('app_version'),
    platform: text('platform'),
    // Set null, not cascade: security logs must survive the account until their retention ends.
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    correlationId: text('correlation_id'),
    sessionId: text('session_id'),
    /** The correlation id of the request that delivered the batch. */
    requestId: text('request_id').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [
    index('client_logs_level_received_at_idx').on(t.level, t.receivedAt),
    index('client_logs_user_id_idx').on(t.userId),
    check('client_logs_level_check', oneOf(t.level, CLIENT_LOG_LEVELS)),
  ],
);

export type ClientLog = typeof clientLogs.$inferSelect;
export type NewClientLog = typeof clientLogs.$inferInsert;
