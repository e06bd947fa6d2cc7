import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant, oneOf, uuidPk } from '../columns.js';
import { ruleCheck } from '../rules.js';
import { USER_RULES, userIdRef, users } from './users.js';

export const VERIFICATION_PURPOSES = ['email_verify', 'password_reset', 'account_unlock'] as const;
export const AUDIT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** One row per signed-in device; `id` is the JWT `sid`. Revoking it ends the device's refresh token family. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuidPk(),
    userId: userIdRef(),
    createdAt: createdAt(),
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    revokedReason: text('revoked_reason'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    deviceFingerprint: text('device_fingerprint'),
  },
  (t) => [
    // Serves the concurrent-session cap: active sessions of a user by recent activity.
    index('auth_sessions_user_id_last_seen_at_idx').on(t.userId, t.lastSeenAt),
    index('auth_sessions_expires_at_idx').on(t.expiresAt),
    ruleCheck('auth_sessions', t.deviceFingerprint, USER_RULES.deviceFingerprint),
  ],
);

/**
 * Every refresh token a session has been issued (its token family, RFC 9700 §4.14.2). Only SHA-256 hashes are
 * stored, so a database leak hands out no usable token. Keeping rotated tokens lets a replay of any old
 * token be recognised as theft, which revokes the whole session.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuidPk(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => authSessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    /** Set when this token was exchanged for its successor; null for the session's current token. */
    rotatedAt: instant('rotated_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_idx').on(t.tokenHash),
    index('refresh_tokens_session_id_idx').on(t.sessionId),
  ],
);

/** One-time 6-digit codes; only a hash is stored because six digits are trivial to use if read from a dump. */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    id: uuidPk(),
    // Nullable: a code can be addressed to an email before (or without) a matching account.
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    purpose: text('purpose', { enum: VERIFICATION_PURPOSES }).notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: instant('expires_at').notNull(),
    consumedAt: instant('consumed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('verification_codes_user_id_idx').on(t.userId),
    index('verification_codes_email_purpose_created_at_idx').on(t.email, t.purpose, t.createdAt),
    index('verification_codes_expires_at_idx').on(t.expiresAt),
    check('verification_codes_email_check', sql`${t.email} = lower(${t.email})`),
    check('verification_codes_purpose_check', oneOf(t.purpose, VERIFICATION_PURPOSES)),
    check('verification_codes_attempts_check', sql`${t.attempts} between 0 and 5`),
  ],
);

/** Security audit trail. The actor is set to null, not cascaded, so the trail outlives a deleted account. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuidPk(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    event: text('event').notNull(),
    target: text('target'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    severity: text('severity', { enum: AUDIT_SEVERITIES }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_actor_user_id_created_at_idx').on(t.actorUserId, t.createdAt),
    index('audit_events_event_created_at_idx').on(t.event, t.createdAt),
    index('audit_events_created_at_idx').on(t.createdAt),
    check('audit_events_severity_check', oneOf(t.severity, AUDIT_SEVERITIES)),
  ],
);

export type AuthSession = typeof authSessions.$inferSelect;
export type NewAuthSession = typeof authSessions.$inferInsert;
export type RefreshToken = typeof refreshTokens.$inferSelect;
export type VerificationCode = typeof verificationCodes.$inferSelect;
export type NewVerificationCode = typeof verificationCodes.$inferInsert;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
