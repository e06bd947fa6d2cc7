import { eq, getTableColumns, inArray, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { enforceAccountLimit } from '../../lib/rate-limit/enforce.js';
import { anonymiseAuditEventsOf } from '../audit/repo.js';
import { recordAudit } from '../audit/service.js';
import { verifyPassword } from './passwords.js';
import * as repo from './repo.js';
import type { AuthDeps } from './service.js';
import { markRevoked } from './sessions.js';

const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

// Column names that hold secrets: exported rows leave them out (a hash is still a credential verifier).
const SECRET_COLUMNS = /hash$/i;

/**
 * Tables holding a user's rows, found from the schema itself (every table with a `user_id` column), so a
 * table added later is exported and erased without anyone remembering to list it here.
 */
const userOwnedTables = tables
  .map((table) => ({ table, column: getTableColumns(table).userId }))
  .filter(
    (entry): entry is { table: PgTable; column: NonNullable<typeof entry.column> } =>
      entry.column !== undefined,
  );

/**
 * Erases the account: every row that references the user goes (foreign keys cascade from users), lessons
 * they generated go, and their audit rows are anonymised (kept as "something happened then", no longer
 * whose). The deletion's own audit row is anonymous too, so it takes no client address.
 * UNAUTHORIZED for a wrong password, RATE_LIMITED past the account's login budget; the `"DELETE"`
 * confirmation is checked by the input schema.
 */
export async function deleteAccount(deps: AuthDeps, userId: string, password: string) {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  // Each attempt is a password guess: it spends the account's login budget.
  await enforceAccountLimit(deps.rateLimits, 'login-account', user.email);
  if (!(await verifyPassword(user.passwordHash, password)))
    throw new AppError('UNAUTHORIZED', 'Invalid password');

  const sessionIds = await deps.db.transaction(async (tx) => {
    const sessions = await tx
      .select({ id: schema.authSessions.id })
      .from(schema.authSessions)
      .where(eq(schema.authSessions.userId, userId));
    await tx.delete(schema.lessons).where(eq(schema.lessons.createdBy, userId));
    await anonymiseAuditEventsOf(tx, userId);
    await tx.delete(schema.users).where(eq(schema.users.id, userId));
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'account_deleted', severity: 'high', details: { sessionsEnded: sessions.length } },
    );
    return sessions.map((session) => session.id);
  });
  await markRevoked(deps, sessionIds);
  deps.log.info({ sessions: sessionIds.length }, 'account erased');
  return { success: true as const };
}

/** Every row the service holds about the caller, table by table, without secret columns. */
export async function exportUserData(deps: Pick<AuthDeps, 'db' | 'clock'>, userId: string) {
  const db: Db | Tx = deps.db;
  const [user] = await db.select().from(schema.users).where(eq(schema.users.id, userId));
  if (!user) throw new AppError('NOT_FOUND', 'User not found');

  const data: Record<string, unknown[]> = { users: [withoutSecrets(user)] };
  for (const { table, column } of userOwnedTables) {
    const rows = await db.select().from(table).where(eq(column, userId));
    data[getTableConfig(table).name] = rows.map(withoutSecrets);
  }
  const sessionIds = ((data.auth_sessions ?? []) as { id: string }[]).map((session) => session.id);
  data.refresh_tokens = sessionIds.length
    ? (
        await db
          .select()
          .from(schema.refreshTokens)
          .where(inArray(schema.refreshTokens.sessionId, sessionIds))
      ).map(withoutSecrets)
    : [];
  data.audit_events = await db
    .select()
    .from(schema.auditEvents)
    .where(eq(schema.auditEvents.actorUserId, userId));
  data.lessons = await db.select().from(schema.lessons).where(eq(schema.lessons.createdBy, userId));
  return { exportedAt: deps.clock(), format: 'linguamate-export/1', data };
}

function withoutSecrets(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !SECRET_COLUMNS.test(key)));
}
