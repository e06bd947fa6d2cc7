import type { Tx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { enforceAccountLimit } from '../../lib/rate-limit/enforce.js';
import { recordAudit } from '../audit/service.js';
import {
  confirmEmailAddress,
  findAccountByEmail,
  findAccountById,
  updateAccount,
} from '../users/accounts.js';
import { consumeCode, issueCode } from '../verification/service.js';
import type { AuthDeps } from './deps.js';
import { clearLocks } from './lockout.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repo.js';
import { type ClientInfo, markRevoked, revokeUserSessions } from './sessions.js';

const PASSWORD_HISTORY = 5;

/**
 * Confirms an address with its code: the account's own address becomes verified, or the address it asked
 * to move to becomes its login (users/accounts.ts). BAD_REQUEST for a wrong, expired or used code, or one
 * sent to an address the account no longer has or wants; CONFLICT if another account took the new
 * address meanwhile; RATE_LIMITED past the per-address budget of code operations.
 */
export async function verifyEmail(deps: AuthDeps, email: string, code: string, client: ClientInfo) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  const confirmation = await consumeCode(
    deps,
    { email, purpose: 'email_verify', code },
    async (tx, userId) => {
      const outcome = userId
        ? await confirmEmailAddress({ db: tx, log: deps.log }, userId, email, client)
        : 'not_this_account';
      if (outcome === 'not_this_account') throw new AppError('BAD_REQUEST', 'Invalid or expired code');
      return outcome;
    },
  );
  // The old address is told of a change by mail.
  if (confirmation === 'changed') deps.mailer.wake();
  return { success: true as const };
}

/**
 * Sends a reset code if the account exists; answers the same either way so it reveals nothing.
 * RATE_LIMITED past the per-address budget of code operations (known and unknown addresses alike).
 */
export async function requestPasswordReset(deps: AuthDeps, email: string, client: ClientInfo) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  const sent = await deps.db.transaction(async (tx) => {
    const user = await findAccountByEmail({ db: tx }, email);
    if (!user) return false;
    await issueCode(deps, tx, { userId: user.id, email: user.email, purpose: 'password_reset' });
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'password_reset_requested', severity: 'medium', actorUserId: user.id, ...client },
    );
    return true;
  });
  if (sent) deps.mailer.wake();
  return { success: true as const };
}

/**
 * Sets a new password with a reset code. The password must pass the policy and differ from the last five;
 * every session of the user ends and every sign-in lock of the account is lifted (the owner proved the
 * mailbox). BAD_REQUEST for a bad code; RATE_LIMITED past the per-address budget of code operations.
 */
export async function resetPassword(
  deps: AuthDeps,
  email: string,
  code: string,
  password: string,
  client: ClientInfo,
) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  assertPasswordPolicy(password, email);
  const passwordHash = await hashPassword(password);
  let ended: string[] = [];
  await consumeCode(deps, { email, purpose: 'password_reset', code }, async (tx, userId) => {
    const user = userId ? await findAccountById({ db: tx }, userId, { lock: true }) : null;
    if (!user || user.email !== email) throw new AppError('BAD_REQUEST', 'Invalid or expired code');
    await assertNotRecent(tx, user.id, password);
    await updateAccount({ db: tx }, user.id, { passwordHash });
    await repo.pushPasswordHistory(tx, user.id, passwordHash, PASSWORD_HISTORY);
    ended = await revokeUserSessions(deps, tx, user.id, 'password_reset');
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'password_reset',
        severity: 'high',
        actorUserId: user.id,
        ...client,
        details: { sessionsEnded: ended.length },
      },
    );
  });
  await markRevoked(deps, ended);
  await clearLocks(deps, email);
  return { success: true as const };
}

/**
 * Changes the caller's password. UNAUTHORIZED if the current one is wrong, VALIDATION_ERROR for the policy
 * or a reuse of the last five, RATE_LIMITED past the account's `password-check` budget. Other sessions
 * end; the current one stays signed in.
 */
export async function changePassword(
  deps: AuthDeps,
  caller: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
) {
  const user = await checkCallerPassword(
    deps,
    caller.userId,
    input.currentPassword,
    'Current password is incorrect',
  );
  assertPasswordPolicy(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await deps.db.transaction(async (tx) => {
    await assertNotRecent(tx, user.id, input.newPassword);
    await updateAccount({ db: tx }, user.id, { passwordHash });
    await repo.pushPasswordHistory(tx, user.id, passwordHash, PASSWORD_HISTORY);
    const others = (await repo.activeSessions(tx, user.id, deps.clock()))
      .map((session) => session.id)
      .filter((id) => id !== caller.sessionId);
    const ended = others.length
      ? await revokeUserSessions(deps, tx, user.id, 'password_changed', others)
      : [];
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'password_changed',
        severity: 'medium',
        actorUserId: user.id,
        ...client,
        details: { otherSessionsEnded: ended.length },
      },
    );
    return ended;
  });
  await markRevoked(deps, ended);
  return { success: true as const, message: 'Password changed successfully' };
}

/**
 * Checks the password of a signed-in caller before a sensitive change and returns the account. Each check
 * spends the account's `password-check` budget first: a stolen access token must not buy unlimited
 * guesses. NOT_FOUND for a deleted account, RATE_LIMITED past the budget, UNAUTHORIZED (with `message`)
 * for a wrong password.
 */
export async function checkCallerPassword(
  deps: Pick<AuthDeps, 'db' | 'rateLimits'>,
  userId: string,
  password: string,
  message: string,
) {
  const user = await findAccountById(deps, userId);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  await enforceAccountLimit(deps.rateLimits, 'password-check', user.email);
  if (!(await verifyPassword(user.passwordHash, password))) throw new AppError('UNAUTHORIZED', message);
  return user;
}

async function assertNotRecent(tx: Tx, userId: string, password: string): Promise<void> {
  for (const previous of await repo.recentPasswordHashes(tx, userId, PASSWORD_HISTORY)) {
    if (await verifyPassword(previous, password)) {
      throw new AppError('VALIDATION_ERROR', 'Cannot reuse one of your last 5 passwords', {
        issues: [
          { path: 'password', message: 'Cannot reuse one of your last 5 passwords', code: 'PASSWORD_REUSED' },
        ],
      });
    }
  }
}
