import { AppError } from '../../lib/errors.js';
import type { LoginOutcome } from '../../lib/metrics.js';
import { enforceAccountLimit } from '../../lib/rate-limit/enforce.js';
import { recordAudit } from '../audit/service.js';
import { createAccount, findAccountByEmail } from '../users/accounts.js';
import { requireProfile } from '../users/profile.js';
import { consumeCode, issueCode } from '../verification/service.js';
import type { AuthDeps } from './deps.js';
import {
  type AdmittedAttempt,
  admitAttempt,
  clearLocks,
  lockedError,
  recordFailure,
  recordSuccess,
} from './lockout.js';
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

const INVALID_CREDENTIALS = 'Invalid email or password';
/** Unlock codes are mailed at most this often per account: a lock from many addresses sends one. */
const UNLOCK_MAIL_INTERVAL_MS = 15 * 60_000;

/**
 * Creates an account and signs it in. Accepts the app's `{name, email, password}` and the contract's
 * `{displayName, acceptedTerms, locale}`. Throws VALIDATION_ERROR for a weak or common password and
 * CONFLICT when the email is taken. Sends an email-verification code through the mail outbox.
 */
export async function signUp(deps: AuthDeps, input: SignupInput, client: ClientInfo): Promise<AuthResult> {
  assertPasswordPolicy(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const { userId, tokens } = await deps.db.transaction(async (tx) => {
    const user = await createAccount(
      { db: tx },
      {
        email: input.email,
        passwordHash,
        name: (input.name ?? input.displayName)!,
        displayName: input.displayName ?? null,
        registrationIp: client.ip,
        deviceFingerprint: client.deviceFingerprint ?? null,
      },
    );
    if (!user) {
      throw new AppError('CONFLICT', 'An account with this email already exists', {
        issues: [
          { path: 'email', message: 'An account with this email already exists', code: 'ALREADY_EXISTS' },
        ],
      });
    }
    await repo.insertPasswordHistory(tx, user.id, passwordHash);
    const tokens = await startSession(deps, tx, user, client);
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'user_signed_up', severity: 'low', actorUserId: user.id, ...client },
    );
    await issueCode(deps, tx, { userId: user.id, email: user.email, purpose: 'email_verify' });
    return { userId: user.id, tokens };
  });
  deps.mailer.wake();
  deps.metrics.business.signups.inc();
  return authResult(deps, userId, tokens);
}

/**
 * Signs in with email and password. Unknown email and wrong password get the same message after the same
 * work (a dummy argon2 check). Failures are throttled per account and address, per account and per
 * address (auth/lockout.ts): ACCOUNT_LOCKED for this address after repeated failures, the owner mailed an
 * unlock code; RATE_LIMITED for an address that failed too often across accounts; a growing delay on an
 * account failing from everywhere. Unknown emails are throttled the same way, so no answer reveals
 * whether an account exists.
 */
export async function logIn(deps: AuthDeps, input: LoginInput, client: ClientInfo): Promise<AuthResult> {
  try {
    const result = await checkCredentialsAndStart(deps, input, client);
    deps.metrics.business.logins.inc({ outcome: 'success' });
    return result;
  } catch (error) {
    const outcome = error instanceof AppError ? LOGIN_OUTCOME_BY_CODE[error.code] : undefined;
    if (outcome) deps.metrics.business.logins.inc({ outcome });
    throw error;
  }
}

/** How refused sign-ins are counted; other errors (an outage, a bug) are not sign-in outcomes. */
const LOGIN_OUTCOME_BY_CODE: Partial<Record<AppError['code'], LoginOutcome>> = {
  UNAUTHORIZED: 'invalid_credentials',
  ACCOUNT_LOCKED: 'locked',
  RATE_LIMITED: 'rate_limited',
};

async function checkCredentialsAndStart(
  deps: AuthDeps,
  input: LoginInput,
  client: ClientInfo,
): Promise<AuthResult> {
  const attempt = await admitAttempt(deps, { email: input.email, ip: client.ip });
  const user = await findAccountByEmail(deps, input.email);
  if (!user) await burnPasswordCheck(input.password);
  if (!user || !(await verifyPassword(user.passwordHash, input.password))) {
    await failLogIn(deps, attempt, { userId: user?.id ?? null, email: input.email }, client);
    throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS);
  }

  await recordSuccess(deps, attempt);
  const tokens = await deps.db.transaction(async (tx) => {
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

/**
 * Counts and audits a failed sign-in. The failure that locks a pair answers ACCOUNT_LOCKED at once, and
 * mails the account's owner (when there is one) a code that lifts every lock.
 */
async function failLogIn(
  deps: AuthDeps,
  attempt: AdmittedAttempt,
  target: { userId: string | null; email: string },
  client: ClientInfo,
): Promise<void> {
  const { userId } = target;
  const outcome = await recordFailure(deps, attempt);
  await recordAudit(deps, {
    event: 'login_failed',
    severity: userId ? 'medium' : 'low',
    actorUserId: userId,
    ...client,
    details: userId
      ? { reason: 'wrong_password', failures: outcome.failures }
      : // A hash, not the address: the attempt may name someone who never signed up.
        { reason: 'unknown_email', emailHash: attempt.account, failures: outcome.failures },
  });
  if (outcome.addressCapped) {
    await recordAudit(deps, {
      event: 'login_address_blocked',
      severity: 'high',
      ...client,
      details: { budget: deps.rateLimits.policy('login-failures-ip').points },
    });
  }
  if (outcome.lockedForSeconds === null) return;
  deps.metrics.business.accountLocks.inc();
  if (userId) {
    const lockedUntil = new Date(deps.clock().getTime() + outcome.lockedForSeconds * 1000);
    const mailed = await mailUnlockCode(deps, userId, target.email);
    await recordAudit(deps, {
      event: 'account_locked',
      severity: 'high',
      actorUserId: userId,
      ...client,
      details: {
        lockedUntil: lockedUntil.toISOString(),
        lockNumber: outcome.lockNumber,
        unlockCodeMailed: mailed,
      },
    });
  }
  throw lockedError(outcome.lockedForSeconds);
}

async function mailUnlockCode(deps: AuthDeps, userId: string, email: string): Promise<boolean> {
  const first = await deps.kv
    .setIfAbsent(`auth:unlock-mailed:${userId}`, '1', UNLOCK_MAIL_INTERVAL_MS)
    .catch(() => true);
  if (!first) return false;
  await deps.db.transaction((tx) => issueCode(deps, tx, { userId, email, purpose: 'account_unlock' }));
  deps.mailer.wake();
  return true;
}

/**
 * `auth.unlockAccount`: redeems the code mailed when sign-ins to the account were locked, lifting every
 * lock of the account from every address. BAD_REQUEST for a wrong, expired or used code; RATE_LIMITED
 * past the per-address budget of code operations.
 */
export async function unlockAccount(deps: AuthDeps, email: string, code: string, client: ClientInfo) {
  await enforceAccountLimit(deps.rateLimits, 'email-code-account', email);
  await consumeCode(deps, { email, purpose: 'account_unlock', code }, async (tx, userId) => {
    const user = userId ? await findAccountByEmail({ db: tx }, email) : null;
    if (!user || user.id !== userId) throw new AppError('BAD_REQUEST', 'Invalid or expired code');
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'account_unlocked', severity: 'medium', actorUserId: user.id, ...client },
    );
  });
  await clearLocks(deps, email);
  return { success: true as const };
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

/** Ends the caller's current session only: signing out of one device leaves the others signed in. */
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
