import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { markRevoked, revokeUserSessions, type SessionDeps } from '../auth/sessions.js';
import { eraseAccount, type PrivacyDeps } from '../privacy/service.js';
import { findAccountById } from '../users/accounts.js';
import { type Actor, auditClient } from '../users/service.js';
import * as repo from './repo.js';
import type { AdminEraseInput, AdminUserIdInput, AdminUserSearchInput } from './schema.js';

/** What user administration needs: session revocation's and erasure's dependencies. */
export type AdminUsersDeps = SessionDeps & PrivacyDeps;

/** Sessions `admin.users.get` shows, most recently used first. */
const SESSIONS_SHOWN = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * `admin.users.search`: accounts newest first, by an id (exact) or an email/name fragment, keyset-paged
 * on (createdAt, id). BAD_REQUEST for a cursor we did not issue.
 */
export async function searchUsers(deps: Pick<AdminUsersDeps, 'db'>, input: AdminUserSearchInput) {
  const query = input.query?.trim() ?? '';
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await repo.searchUsers(deps.db, {
    ...(UUID.test(query) ? { id: query.toLowerCase() } : query ? { fragment: query } : {}),
    ...(after && { after }),
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _cursorAt, ...item }) => item),
    nextCursor:
      rows.length > input.limit && last
        ? Buffer.from(`${last.cursorAt}|${last.id}`).toString('base64url')
        : null,
  };
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !CURSOR_TIME.test(createdAt) || !id || !UUID.test(id)) {
    throw new AppError('BAD_REQUEST', 'Invalid cursor');
  }
  return { createdAt, id };
}

/** `admin.users.get`: the account, its progress counters and its sessions. NOT_FOUND for an unknown id. */
export async function getUser(deps: Pick<AdminUsersDeps, 'db' | 'clock'>, input: AdminUserIdInput) {
  const found = await repo.findUserWithStats(deps.db, input.userId);
  if (!found) throw new AppError('NOT_FOUND', 'User not found');
  const { user, stats } = found;
  const sessions = await repo.sessionsOf(deps.db, user.id, SESSIONS_SHOWN);
  const now = deps.clock();
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      displayName: user.displayName,
      role: user.role,
      isPremium: user.isPremium,
      emailVerified: user.emailVerified,
      createdAt: user.createdAt,
    },
    stats: {
      xp: stats?.xpPoints ?? 0,
      lessonsCompleted: stats?.lessonsCompleted ?? 0,
      streak: stats?.streakDays ?? 0,
    },
    sessions: sessions.map((session) => ({
      id: session.id,
      device: session.userAgent,
      userAgent: session.userAgent,
      ip: session.ipAddress,
      createdAt: session.createdAt,
      lastUsedAt: session.lastSeenAt,
      expiresAt: session.expiresAt,
      revoked: session.revokedAt !== null || session.expiresAt <= now,
    })),
  };
}

/**
 * `admin.users.revokeSessions`: ends every live session of the user (their access tokens stop working
 * at once, open WebSockets close), audited as `admin_sessions_revoked`. NOT_FOUND for an unknown id.
 */
export async function revokeSessionsByAdmin(
  deps: AdminUsersDeps,
  admin: Actor,
  input: AdminUserIdInput,
): Promise<{ revoked: number }> {
  const ids = await deps.db.transaction(async (tx) => {
    if (!(await findAccountById({ db: tx }, input.userId))) throw new AppError('NOT_FOUND', 'User not found');
    const revoked = await revokeUserSessions(deps, tx, input.userId, 'admin');
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'admin_sessions_revoked',
        severity: 'high',
        actorUserId: admin.userId,
        target: input.userId,
        ...auditClient(admin),
        details: { revoked: revoked.length },
      },
    );
    return revoked;
  });
  await markRevoked(deps, ids);
  return { revoked: ids.length };
}

/**
 * `admin.users.erase`: erases the account through the same path as the user's own deletion, without their
 * password; `confirmEmail` must be the account's email. Audited as `admin_account_erased` (the admin
 * and the erased id; the user's own audit rows are anonymised). FORBIDDEN for the admin's own account,
 * VALIDATION_ERROR for a wrong email, NOT_FOUND for an unknown id.
 */
export async function eraseUserByAdmin(
  deps: AdminUsersDeps,
  admin: Actor,
  input: AdminEraseInput,
): Promise<{ erased: true }> {
  if (input.userId === admin.userId) {
    throw new AppError('FORBIDDEN', 'Administrators cannot erase their own account here');
  }
  await eraseAccount(deps, input.userId, {
    before: async (tx) => {
      const account = await findAccountById({ db: tx }, input.userId, { lock: true });
      if (!account) throw new AppError('NOT_FOUND', 'User not found');
      if (account.email !== input.confirmEmail) {
        throw new AppError('VALIDATION_ERROR', "confirmEmail does not match the account's email");
      }
    },
    audit: {
      event: 'admin_account_erased',
      severity: 'high',
      actorUserId: admin.userId,
      target: input.userId,
      ...auditClient(admin),
    },
  });
  return { erased: true };
}
