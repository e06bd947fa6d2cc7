import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, uuidPk } from '../columns.js';
import { users } from './users.js';

export const MAIL_KINDS = ['email_verify', 'password_reset', 'account_unlock', 'security_notice'] as const;

/**
 * Transactional outbox for mail: a message is written in the same transaction as the change that caused it
 * and sent afterwards by the dispatcher, so a code is never mailed for a change that rolled back and a
 * crash between commit and send loses nothing. Without SMTP the rows simply stay here (development).
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuidPk(),
    // Cascade: the message holds the address, which is personal data erased with the account.
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MAIL_KINDS }).notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    createdAt: createdAt(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    sentAt: instant('sent_at'),
    /** Set when the dispatcher stops trying (too many failures, or the message expired). */
    abandonedAt: instant('abandoned_at'),
  },
  (t) => [
    index('mail_outbox_user_id_idx').on(t.userId),
    // The dispatcher's query: unsent, unabandoned messages that are due.
    index('mail_outbox_pending_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} is null and ${t.abandonedAt} is null`),
    check('mail_outbox_kind_check', oneOf(t.kind, MAIL_KINDS)),
    check('mail_outbox_attempts_check', sql`${t.attempts} >= 0`),
  ],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
export type NewMailOutboxRow = typeof mailOutbox.$inferInsert;
