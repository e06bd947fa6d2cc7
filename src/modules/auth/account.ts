import type { Tx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { enforceAccountLimit } from '../../lib/rate-limit/enforce.js';
import { recordAudit } from '../audit/service.js';
import { requireProfile } from '../users/profile.js';
import { consumeCode, issueCode } from './codes.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repo.js';
import type { UpdateProfileInput } from './schema.js';
import type { AuthDeps } from './service.js';
import { type ClientInfo, markRevoked, revokeUserSessions } from './sessions.js';

const PASSWORD_HISTORY = 5;

/**
 * Marks the email verified when the code matches. BAD_REQUEST for a wrong, expired or used code;
 * RATE_LIMITED past the per-address budget of code operations.
 */
export async function verifyEmail(deps: AuthDeps, email: string, code: string, client: ClientInfo) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  await consumeCode(deps, { email, purpose: 'email_verify', code }, async (tx, userId) => {
    const user = userId ? await repo.findUserById(tx, userId) : null;
    // The code was sent to this address; if the account has since moved to another one, it proves nothing.
    if (!user || user.email !== email) throw new AppError('BAD_REQUEST', 'Invalid or expired code');
    await repo.updateUser(tx, user.id, { emailVerified: true });
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'email_verified', severity: 'low', actorUserId: user.id, ...client },
    );
  });
  return { success: true as const };
}

/**
 * Sends a reset code if the account exists; answers the same either way so it reveals nothing.
 * RATE_LIMITED past the per-address budget of code operations (known and unknown addresses alike).
 */
export async function requestPasswordReset(deps: AuthDeps, email: string, client: ClientInfo) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  const sent = await deps.db.transaction(async (tx) => {
    const user = await repo.findUserByEmail(tx, email);
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
 * every session of the user ends and a lockout is lifted. BAD_REQUEST for a bad code; RATE_LIMITED past
 * the per-address budget of code operations.
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
    const user = userId ? await repo.findUserById(tx, userId, { lock: true }) : null;
    if (!user || user.email !== email) throw new AppError('BAD_REQUEST', 'Invalid or expired code');
    await assertNotRecent(tx, user.id, password);
    await repo.updateUser(tx, user.id, { passwordHash, failedLoginCount: 0, lockouts: 0, lockedUntil: null });
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
  return { success: true as const };
}

/**
 * Changes the caller's password. UNAUTHORIZED if the current one is wrong, VALIDATION_ERROR for the policy
 * or a reuse of the last five, RATE_LIMITED past the account's login budget. Other sessions end; the current one stays signed in.
 */
export async function changePassword(
  deps: AuthDeps,
  caller: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
) {
  const user = await repo.findUserById(deps.db, caller.userId);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  // A stolen access token must not buy unlimited guesses at the password: same budget as logins.
  await enforceAccountLimit(deps.rateLimits, 'login-account', user.email);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('UNAUTHORIZED', 'Current password is incorrect');
  }
  assertPasswordPolicy(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await deps.db.transaction(async (tx) => {
    await assertNotRecent(tx, user.id, input.newPassword);
    await repo.updateUser(tx, user.id, { passwordHash });
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

/**
 * Updates the caller's profile. A new email must be free (CONFLICT otherwise), is stored unverified and
 * gets a verification code.
 */
export async function updateProfile(
  deps: AuthDeps,
  userId: string,
  input: UpdateProfileInput,
  client: ClientInfo,
) {
  const emailChanged = await deps.db.transaction(async (tx) => {
    const user = await repo.findUserById(tx, userId, { lock: true });
    if (!user) throw new AppError('NOT_FOUND', 'User not found');
    const changesEmail = input.email !== undefined && input.email !== user.email;
    if (changesEmail && (await repo.findUserByEmail(tx, input.email!))) {
      throw new AppError('CONFLICT', 'Email is already in use');
    }
    await repo.updateUser(tx, userId, {
      ...(input.displayName !== undefined && { displayName: input.displayName }),
      ...(input.bio !== undefined && { bio: input.bio }),
      ...(input.avatar !== undefined && { avatarUrl: input.avatar.uri }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.nativeLanguage !== undefined && { nativeLanguage: input.nativeLanguage }),
      ...(input.targetLanguage !== undefined && { selectedLanguage: input.targetLanguage }),
      ...(input.proficiencyLevel !== undefined && { proficiencyLevel: input.proficiencyLevel }),
      ...(input.dailyGoal !== undefined && { dailyGoalMinutes: input.dailyGoal }),
      ...(changesEmail && { email: input.email!, emailVerified: false }),
    });
    if (changesEmail) {
      await issueCode(deps, tx, { userId, email: input.email!, purpose: 'email_verify' });
      await recordAudit(
        { db: tx, log: deps.log },
        { event: 'email_changed', severity: 'high', actorUserId: userId, ...client },
      );
    } else {
      await recordAudit(
        { db: tx, log: deps.log },
        {
          event: 'profile_updated',
          severity: 'low',
          actorUserId: userId,
          ...client,
          details: { fields: Object.keys(input) },
        },
      );
    }
    return changesEmail;
  });
  if (emailChanged) deps.mailer.wake();
  return requireProfile(deps, userId);
}
