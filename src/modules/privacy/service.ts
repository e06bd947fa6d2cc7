import type { Env } from '../../config/env.js';
import type { Db, Tx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import type { KeyValueStore, PubSub } from '../../lib/store/types.js';
import { type AuditEntry, anonymiseAuditTrailOf, recordAudit } from '../audit/service.js';
import { checkCallerPassword } from '../auth/account.js';
import { markRevoked, sessionIdsOf } from '../auth/sessions.js';
import { deleteLessonsCreatedBy } from '../lessons/service.js';
import { deleteAccountRow } from '../users/accounts.js';
import * as repo from './repo.js';

/** What erasure and export need. */
export interface PrivacyDeps {
  db: Db;
  kv: KeyValueStore;
  pubsub: PubSub;
  log: Logger;
  env: Env;
  clock: () => Date;
  rateLimits: RateLimits;
}

// Column names that hold secrets: exported rows leave them out (a hash is still a credential verifier).
const SECRET_COLUMNS = /hash$/i;

/**
 * `auth.deleteAccount`: erases the caller's account (`eraseAccount`) after checking their password. The
 * deletion's audit row is anonymous, so it takes no client address. UNAUTHORIZED for a wrong password,
 * RATE_LIMITED past the account's password-check budget; the `"DELETE"` confirmation is checked by the
 * input schema.
 */
export async function deleteAccount(deps: PrivacyDeps, userId: string, password: string) {
  await checkCallerPassword(deps, userId, password, 'Invalid password');
  await eraseAccount(deps, userId, { audit: { event: 'account_deleted', severity: 'high' } });
  return { success: true as const };
}

export interface EraseOptions {
  /** The erasure's own audit row; `details.sessionsEnded` is added. */
  audit: Omit<AuditEntry, 'details'> & { details?: Record<string, unknown> };
  /** Runs first inside the erasing transaction (the caller's checks on the account); throw to refuse. */
  before?: (tx: Tx) => Promise<void>;
}

/**
 * Erases an account, the one path for both the user's own deletion and an administrator's: every row that
 * references the user goes (foreign keys cascade from users), lessons they generated go, their audit rows
 * are anonymised (kept as "something happened then", no longer whose), and their sessions stop working at
 * once. NOT_FOUND when the account is gone.
 */
export async function eraseAccount(deps: PrivacyDeps, userId: string, options: EraseOptions) {
  const sessionIds = await deps.db.transaction(async (tx) => {
    await options.before?.(tx);
    const sessions = await sessionIdsOf({ db: tx }, userId);
    await deleteLessonsCreatedBy({ db: tx }, userId);
    await anonymiseAuditTrailOf({ db: tx }, userId);
    if (!(await deleteAccountRow({ db: tx }, userId))) throw new AppError('NOT_FOUND', 'User not found');
    await recordAudit(
      { db: tx, log: deps.log },
      { ...options.audit, details: { ...options.audit.details, sessionsEnded: sessions.length } },
    );
    return sessions;
  });
  await markRevoked(deps, sessionIds);
  deps.log.info({ sessions: sessionIds.length }, 'account erased');
  return { sessionsEnded: sessionIds.length };
}

/** `user.exportData`: every row the service holds about the caller, table by table, without secret columns. */
export async function exportUserData(deps: Pick<PrivacyDeps, 'db' | 'clock'>, userId: string) {
  const rows = await repo.findRowsOfUser(deps.db, userId);
  if (!rows) throw new AppError('NOT_FOUND', 'User not found');
  const data = Object.fromEntries(
    Object.entries(rows).map(([table, list]) => [
      table,
      list.map((row) => withoutSecrets(row as Record<string, unknown>)),
    ]),
  );
  return { exportedAt: deps.clock(), format: 'linguamate-export/1', data };
}

function withoutSecrets(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !SECRET_COLUMNS.test(key)));
}
