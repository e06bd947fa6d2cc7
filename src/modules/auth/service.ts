import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { enforceAccountLimit } from '../../lib/rate-limit/enforce.js';
import { recordAudit } from '../audit/service.js';
import { requireProfile } from '../users/profile.js';
import { issueCode } from './codes.js';
import { assertPasswordPolicy, burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repo.js';
import type { AuthResult, LoginInput, SessionDto, SignupInput } from './schema.js';
import {
  type ClientInfo,
  markRevoked,
  refreshSession,
  revokeUserSessions,
  startSession,
} from './sessions.js';

export type AuthDeps = Pick<
  Deps,
  'db' | 'kv' | 'log' | 'env' | 'keyRing' | 'clock' | 'mailer' | 'rateLimits'
>;

const INVALID_CREDENTIALS = 'Invalid email or password';
const MAX_LOCK_MS = 24 * 60 * 60 * 1000;

/**
 * Creates an account and signs it in. Accepts the app's `{name, email, password}` and the contract's
 * `{displayName, acceptedTerms, locale}`. Throws VALIDATION_ERROR for a weak or common password and
 * CONFLICT when the email is taken. Sends an email-verification code through the mail outbox.
 */
export async function signUp(deps: AuthDeps, input: SignupInput, client: ClientInfo): Promise<AuthResult> {
  assertPasswordPolicy(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const name = (input.name ?? input.displayName)!;
  const { userId, tokens } = await deps.db.transaction(async (tx) => {
    const user = await repo.insertUser(tx, {
      email: input.email,
      passwordHash,
      name,
      displayName: input.displayName ?? name,
      registrationIp: client.ip,
      deviceFingerprint: client.deviceFingerprint ?? null,
    });
    if (!user) throw new AppError('CONFLICT', 'An account with this email already exists');
    const tokens = await startSession(deps, tx, user, client);
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'user_signed_up', severity: 'low', actorUserId: user.id, ...client },
    );
    await issueCode(deps, tx, { userId: user.id, email: user.email, purpose: 'email_verify' });
    return { userId: user.id, tokens };
  });
  deps.mailer.wake();
  return authResult(deps, userId, tokens);
}

/**
 * Signs in with email and password. Unknown email and wrong password get the same message after the same
 * work (a dummy argon2 check). Repeated failures lock the account, each lock twice as long as the last;
 * a locked account answers ACCOUNT_LOCKED whatever the password. Unknown emails "lock" the same way, so
 * the answers never reveal whether an account exists. Attempts per account are also rate limited
 * (RATE_LIMITED), whatever IPs they come from, before any work is done.
 */
export async function logIn(deps: AuthDeps, input: LoginInput, client: ClientInfo): Promise<AuthResult> {
  await enforceAccountLimit(deps.rateLimits, 'login-account', input.email);
  const now = deps.clock();
  const user = await repo.findUserByEmail(deps.db, input.email);
  if (!user) {
    await burnPasswordCheck(input.password);
    await failUnknownEmail(deps, input.email, client);
    throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS);
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await burnPasswordCheck(input.password);
    await recordAudit(deps, {
      event: 'login_failed',
      severity: 'medium',
      actorUserId: user.id,
      ...client,
      details: { reason: 'locked' },
    });
    throw lockedError(user.lockedUntil, now);
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await recordFailedLogin(deps, user.id, client);
    throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS);
  }

  const tokens = await deps.db.transaction(async (tx) => {
    await repo.updateUser(tx, user.id, { failedLoginCount: 0, lockouts: 0, lockedUntil: null });
    const tokens = await startSession(deps, tx, user, client);
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'login_succeeded',
        severity: 'low',
        actorUserId: user.id,
        target: tokens.sessionId,
        ...client,
      },
    );
    return tokens;
  });
  await markRevoked(deps, tokens.evicted);
  return authResult(deps, user.id, tokens);
}

async function recordFailedLogin(deps: AuthDeps, userId: string, client: ClientInfo): Promise<void> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const user = await repo.findUserById(tx, userId, { lock: true });
    if (!user) return;
    const failures = user.failedLoginCount + 1;
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'login_failed',
        severity: 'medium',
        actorUserId: userId,
        ...client,
        details: { reason: 'wrong_password', failures },
      },
    );
    if (failures < deps.env.LOGIN_LOCKOUT_THRESHOLD) {
      await repo.updateUser(tx, userId, { failedLoginCount: failures });
      return;
    }
    const lockMs = Math.min(deps.env.LOGIN_LOCKOUT_MINUTES * 60_000 * 2 ** user.lockouts, MAX_LOCK_MS);
    const lockedUntil = new Date(now.getTime() + lockMs);
    await repo.updateUser(tx, userId, { failedLoginCount: 0, lockouts: user.lockouts + 1, lockedUntil });
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'account_locked',
        severity: 'high',
        actorUserId: userId,
        ...client,
        details: { lockedUntil: lockedUntil.toISOString(), lockNumber: user.lockouts + 1 },
      },
    );
  });
}

async function failUnknownEmail(deps: AuthDeps, email: string, client: ClientInfo): Promise<void> {
  // Counted in the shared store so unknown emails lock exactly like real accounts.
  const key = `auth:unknown-login:${createHash('sha256').update(email).digest('hex')}`;
  const windowMs = deps.env.LOGIN_LOCKOUT_MINUTES * 60_000;
  const failures = await deps.kv.increment(key, 1, windowMs).catch(() => 0);
  await recordAudit(deps, {
    event: 'login_failed',
    severity: 'low',
    ...client,
    // A hash, not the address: the attempt may name someone who never signed up.
    details: { reason: 'unknown_email', emailHash: key.slice(-64), failures },
  });
  if (failures > deps.env.LOGIN_LOCKOUT_THRESHOLD) {
    const ttl = await deps.kv.ttl(key).catch(() => null);
    throw lockedError(new Date(deps.clock().getTime() + (ttl ?? windowMs)), deps.clock());
  }
}

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`,
  );
}

async function authResult(
  deps: AuthDeps,
  userId: string,
  tokens: { accessToken: string; refreshToken: string; sessionId: string },
): Promise<AuthResult> {
  const user = await requireProfile(deps, userId);
  return {
    user,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    sessionId: tokens.sessionId,
    securityLevel: user.securityLevel,
  };
}

/** Rotates a refresh token; see `refreshSession` for reuse detection. Contract shape `{accessToken, refreshToken}`. */
export async function refresh(deps: AuthDeps, refreshToken: string, client: ClientInfo) {
  const tokens = await refreshSession(deps, refreshToken, client);
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

/** Ends the caller's current session only (the mock ended all of them). */
export async function logOut(deps: AuthDeps, userId: string, sessionId: string, client: ClientInfo) {
  const revoked = await revokeUserSessions(deps, deps.db, userId, 'logout', [sessionId]);
  await markRevoked(deps, revoked);
  await recordAudit(deps, {
    event: 'logged_out',
    severity: 'low',
    actorUserId: userId,
    target: sessionId,
    ...client,
  });
  return { success: true as const };
}

/** Ends every session of the caller, this one included. */
export async function logOutEverywhere(deps: AuthDeps, userId: string, client: ClientInfo) {
  const revoked = await revokeUserSessions(deps, deps.db, userId, 'logout_all');
  await markRevoked(deps, revoked);
  await recordAudit(deps, {
    event: 'logged_out_everywhere',
    severity: 'medium',
    actorUserId: userId,
    ...client,
    details: { sessions: revoked.length },
  });
  return { success: true as const, sessionsEnded: revoked.length };
}

/** The caller's live device sessions, most recently used first. */
export async function listSessions(
  deps: AuthDeps,
  userId: string,
  currentSessionId: string,
): Promise<SessionDto[]> {
  const sessions = await repo.activeSessions(deps.db, userId, deps.clock());
  return sessions.reverse().map((session) => ({
    id: session.id,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
    ipAddress: session.ipAddress,
    userAgent: session.userAgent,
    current: session.id === currentSessionId,
  }));
}

/** Ends one of the caller's sessions. NOT_FOUND for a session that is not the caller's or already ended. */
export async function revokeSession(deps: AuthDeps, userId: string, sessionId: string, client: ClientInfo) {
  const revoked = await revokeUserSessions(deps, deps.db, userId, 'revoked_by_user', [sessionId]);
  if (revoked.length === 0) throw new AppError('NOT_FOUND', 'Session not found');
  await markRevoked(deps, revoked);
  await recordAudit(deps, {
    event: 'session_revoked',
    severity: 'medium',
    actorUserId: userId,
    target: sessionId,
    ...client,
  });
  return { success: true as const };
}

/** The caller's profile; NOT_FOUND if the account has just been deleted. */
export function currentUser(deps: AuthDeps, userId: string) {
  return requireProfile(deps, userId);
}
