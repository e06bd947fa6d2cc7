import type { Db, Tx } from '../../db/client.js';
import type { AuditEvent } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { currentRequestId } from '../../lib/request-context.js';
import * as repo from './repo.js';
import { AUDIT_TIME_RANGE, type AuditEventsInput } from './schema.js';

/** Security events the service records. Adding one is a code change, so the list stays reviewable. */
export type AuditEventName =
  | 'user_signed_up'
  | 'login_succeeded'
  | 'login_failed'
  | 'login_address_blocked'
  | 'account_locked'
  | 'account_unlocked'
  | 'refresh_token_reused'
  | 'logged_out'
  | 'logged_out_everywhere'
  | 'session_revoked'
  | 'session_evicted'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'email_verification_sent'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  | 'profile_updated'
  | 'account_deleted'
  | 'premium_granted'
  | 'premium_revoked'
  | 'premium_upgrade_refused'
  | 'stats_update_rejected'
  | 'admin_created'
  | 'feature_flag_changed'
  | 'feature_flag_deleted'
  | 'feature_flag_override_set'
  | 'feature_flag_override_removed'
  | 'admin_sessions_revoked'
  | 'admin_account_erased';

/** What the audit trail needs: a database handle (a transaction, to commit with the change) and a log. */
export interface AuditDeps {
  db: Db | Tx;
  log: Logger;
}

export interface AuditEntry {
  event: AuditEventName;
  severity: AuditEvent['severity'];
  actorUserId?: string | null;
  target?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Context for investigators. Never a password, token, code or other secret. */
  details?: Record<string, unknown>;
}

/**
 * Appends a security event (in the caller's transaction when given one, so it commits or rolls back with
 * the change it describes) and mirrors it to the log at a level matching its severity.
 */
export async function recordAudit(deps: AuditDeps, entry: AuditEntry): Promise<void> {
  const requestId = currentRequestId() ?? null;
  await repo.insertAuditEvent(deps.db, {
    event: entry.event,
    severity: entry.severity,
    actorUserId: entry.actorUserId ?? null,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    requestId,
    details: entry.details ?? {},
    // Stamped here, in milliseconds, as the page cursor carries it: the column default (the database's
    // now(), microseconds) made rows of one transaction unreachable past the first page.
    createdAt: new Date(),
  });
  const level = entry.severity === 'high' || entry.severity === 'critical' ? 'warn' : 'info';
  deps.log[level](
    { evt: entry.event, cat: 'security', severity: entry.severity, actorUserId: entry.actorUserId ?? null },
    `audit: ${entry.event}`,
  );
}

/**
 * Erasure: the user's audit rows keep what happened and when, but no longer who, from where or how. The
 * append-only trigger lets exactly this update through (drizzle/0001_audit_append_only.sql).
 */
export function anonymiseAuditTrailOf(deps: Pick<AuditDeps, 'db'>, userId: string): Promise<void> {
  return repo.anonymiseAuditEventsOf(deps.db, userId);
}

/**
 * Audit events for administrators, newest first, filtered and keyset-paginated. The cursor is opaque to
 * clients (base64url of the last row's time and id). BAD_REQUEST for a cursor we did not issue.
 */
export async function listAuditEvents(deps: Pick<AuditDeps, 'db'>, input: AuditEventsInput) {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await repo.findAuditEvents(deps.db, {
    ...(input.actorUserId && { actorUserId: input.actorUserId }),
    ...(input.event && { event: input.event }),
    ...(input.severity && { severity: input.severity }),
    ...(input.from && { from: input.from }),
    ...(input.to && { to: input.to }),
    ...(after && { after }),
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    events: page,
    nextCursor:
      rows.length > input.limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
        : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Accepts only what `listAuditEvents` issues: a time in range and a uuid, both as PostgreSQL reads them. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (
    rest.length > 0 ||
    !id ||
    !UUID.test(id) ||
    Number.isNaN(createdAt.getTime()) ||
    createdAt < AUDIT_TIME_RANGE.min ||
    createdAt > AUDIT_TIME_RANGE.max
  ) {
    throw new AppError('BAD_REQUEST', 'Invalid cursor');
  }
  return { createdAt, id };
}
