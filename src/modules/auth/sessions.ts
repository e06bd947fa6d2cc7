import type { Db, Tx } from '../../db/client.js';
import type { User } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { isStoreUnavailable } from '../../lib/store/availability.js';
import type { KeyValueStore } from '../../lib/store/types.js';
import { recordAudit } from '../audit/service.js';
import { findAccountById } from '../users/accounts.js';
import type { AuthDeps } from './deps.js';
import * as repo from './repo.js';
import { hashToken, newRefreshToken, signAccessToken } from './tokens.js';

export type SessionDeps = Pick<AuthDeps, 'db' | 'kv' | 'log' | 'env' | 'keyRing' | 'clock' | 'pubsub'>;

/** Who is calling, as far as sessions care: shown in the device list and in audit rows. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  deviceFingerprint?: string | null;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

const DAY_MS = 86_400_000;
const revokedKey = (sessionId: string) => `auth:revoked:${sessionId}`;
/**
 * Sessions whose revocation mark could not be written while the store was down, per store: those whose rows
 * are gone (account erasure) cannot be found again in the database, so `republishRevocations` needs them.
 */
const unpublished = new WeakMap<KeyValueStore, Set<string>>();

/**
 * The shared PubSub channel where revocations are announced, as JSON `{ sessionIds: string[] }`: every
 * instance closes the WebSockets of those sessions at once (realtime/ws).
 */
export const SESSIONS_REVOKED_CHANNEL = 'auth:sessions-revoked';

/**
 * Opens a device session inside the caller's transaction: evicts the user's least recently used sessions
 * beyond the cap, stores the first refresh token of the family and signs an access token. Returns the ids
 * of evicted sessions, which the caller passes to `markRevoked` once the transaction has committed.
 */
export async function startSession(
  deps: SessionDeps,
  tx: Tx,
  user: Pick<User, 'id' | 'role'>,
  client: ClientInfo,
): Promise<IssuedTokens & { evicted: string[] }> {
  const now = deps.clock();
  const active = await repo.activeSessions(tx, user.id, now);
  const excess = active.length - deps.env.MAX_SESSIONS_PER_USER + 1;
  const evicted =
    excess > 0
      ? await repo.revokeSessions(
          tx,
          user.id,
          'evicted',
          now,
          active.slice(0, excess).map((session) => session.id),
        )
      : [];
  for (const sessionId of evicted) {
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'session_evicted', severity: 'low', actorUserId: user.id, target: sessionId, ...client },
    );
  }

  const expiresAt = new Date(now.getTime() + deps.env.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
  const session = await repo.insertSession(tx, {
    userId: user.id,
    expiresAt,
    lastSeenAt: now,
    ipAddress: client.ip,
    userAgent: client.userAgent,
    deviceFingerprint: client.deviceFingerprint ?? null,
  });
  const refreshToken = newRefreshToken();
  await repo.insertRefreshToken(tx, { sessionId: session.id, tokenHash: hashToken(refreshToken), expiresAt });
  const accessToken = await signAccessToken(
    deps.keyRing,
    { userId: user.id, sessionId: session.id, role: user.role },
    now,
  );
  return { accessToken, refreshToken, sessionId: session.id, evicted };
}

type RefreshOutcome =
  | { kind: 'rotated'; tokens: IssuedTokens }
  | { kind: 'retry' }
  | { kind: 'reused'; sessionId: string }
  | { kind: 'invalid' };

/**
 * Exchanges a refresh token for a new pair (RFC 9700 §4.14.2). The session row is locked, so of two
 * concurrent refreshes with one token exactly one rotates. A replay of an already-rotated token revokes the
 * whole session, except a replay of the immediately preceding token within the grace window (a mobile
 * client retrying after a lost response), which gets TOKEN_ROTATED and changes nothing.
 */
export async function refreshSession(deps: SessionDeps, refreshToken: string, client: ClientInfo) {
  const now = deps.clock();
  const outcome = await deps.db.transaction(async (tx): Promise<RefreshOutcome> => {
    const found = await repo.findRefreshTokenForUpdate(tx, hashToken(refreshToken));
    if (!found) return { kind: 'invalid' };
    const { token, session } = found;
    if (session.revokedAt || session.expiresAt <= now) return { kind: 'invalid' };

    if (!token.rotatedAt) {
      if (token.expiresAt <= now) return { kind: 'invalid' };
      const user = await findAccountById({ db: tx }, session.userId);
      if (!user) return { kind: 'invalid' };
      const next = newRefreshToken();
      const expiresAt = new Date(now.getTime() + deps.env.REFRESH_TOKEN_TTL_DAYS * DAY_MS);
      if (!(await repo.markTokenRotated(tx, token.id, now))) return { kind: 'retry' };
      await repo.insertRefreshToken(tx, { sessionId: session.id, tokenHash: hashToken(next), expiresAt });
      await repo.touchSession(tx, session.id, {
        lastSeenAt: now,
        expiresAt,
        ipAddress: client.ip,
        userAgent: client.userAgent,
      });
      const accessToken = await signAccessToken(
        deps.keyRing,
        { userId: user.id, sessionId: session.id, role: user.role },
        now,
      );
      return { kind: 'rotated', tokens: { accessToken, refreshToken: next, sessionId: session.id } };
    }

    const graceMs = deps.env.REFRESH_REUSE_GRACE_SECONDS * 1000;
    const isLastRotated = (await repo.lastRotatedTokenId(tx, session.id)) === token.id;
    if (graceMs > 0 && isLastRotated && now.getTime() - token.rotatedAt.getTime() <= graceMs) {
      return { kind: 'retry' };
    }
    await repo.revokeSessions(tx, session.userId, 'refresh_token_reuse', now, [session.id]);
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'refresh_token_reused',
        severity: 'high',
        actorUserId: session.userId,
        target: session.id,
        ...client,
        details: { rotatedAt: token.rotatedAt.toISOString(), tokenIssuedAt: token.createdAt.toISOString() },
      },
    );
    return { kind: 'reused', sessionId: session.id };
  });

  switch (outcome.kind) {
    case 'rotated':
      return outcome.tokens;
    case 'retry':
      throw new AppError('TOKEN_ROTATED', 'Refresh token already rotated; use the newest one');
    case 'reused':
      await markRevoked(deps, [outcome.sessionId]);
      throw new AppError('UNAUTHORIZED', 'Invalid or expired refresh token');
    case 'invalid':
      throw new AppError('UNAUTHORIZED', 'Invalid or expired refresh token');
  }
}

/**
 * Makes access tokens of these sessions stop working at once: a revocation mark in the shared store that
 * outlives any access token issued before it, and an announcement on SESSIONS_REVOKED_CHANNEL so that
 * open WebSockets of these sessions close on every instance. Call after the revoking transaction has
 * committed.
 */
export async function markRevoked(
  deps: Pick<SessionDeps, 'kv' | 'log' | 'env' | 'pubsub'>,
  sessionIds: string[],
) {
  if (sessionIds.length === 0) return;
  const ttlMs = (deps.env.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
  await Promise.all(
    sessionIds.map((sessionId) =>
      deps.kv.set(revokedKey(sessionId), '1', ttlMs).catch((error: unknown) => {
        // While the store is down, isSessionRevoked asks the database, and `republishRevocations` writes
        // the mark once the store is back: nothing to say per session.
        if (isStoreUnavailable(error)) {
          const pending = unpublished.get(deps.kv) ?? new Set<string>();
          unpublished.set(deps.kv, pending);
          pending.add(sessionId);
          return;
        }
        // isSessionRevoked asks the database only when the store fails to answer. If the store took reads
        // but refused this write, the session's access tokens keep working until they expire (at most
        // ACCESS_TOKEN_TTL_SECONDS): this line is the operator's alert.
        deps.log.error(
          { err: error, sessionId },
          'could not publish a session revocation to the shared store',
        );
      }),
    ),
  );
  // After the marks: a socket connecting meanwhile is refused by the mark, one already open by this.
  await deps.pubsub
    .publish(SESSIONS_REVOKED_CHANNEL, JSON.stringify({ sessionIds }))
    .catch((error: unknown) =>
      deps.log.error({ err: error }, 'could not announce a session revocation to open WebSockets'),
    );
}

/**
 * True when the session behind an access token has been revoked. The shared store answers on the fast
 * path; if it cannot, the database (the source of truth) does, so an outage never lets a revoked token in.
 */
export async function isSessionRevoked(deps: Pick<SessionDeps, 'kv' | 'db' | 'log'>, sessionId: string) {
  try {
    return (await deps.kv.get(revokedKey(sessionId))) !== null;
  } catch (error) {
    // An outage is logged once by the store; anything else is worth a line per request.
    if (!isStoreUnavailable(error))
      deps.log.warn({ err: error }, 'revocation check fell back to the database');
    const session = await repo.findSession(deps.db, sessionId);
    return !session || session.revokedAt !== null;
  }
}

/**
 * Once the store is back after an outage: writes again the revocation mark of every session revoked
 * recently enough for its access tokens to be alive (marks written during the outage were lost), and of
 * those this process could not mark whose rows are gone since (erased accounts), so a
 * session revoked while the store was down stays refused when the fast path resumes. Idempotent: every
 * instance that sees the store come back may run it. Throws what the store or the database throws.
 */
export async function republishRevocations(deps: Pick<SessionDeps, 'db' | 'kv' | 'log' | 'env' | 'clock'>) {
  const ttlMs = (deps.env.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
  const pending = unpublished.get(deps.kv) ?? new Set<string>();
  unpublished.delete(deps.kv);
  try {
    const recent = await repo.sessionsRevokedSince(deps.db, new Date(deps.clock().getTime() - ttlMs));
    const ids = [...new Set([...pending, ...recent])];
    await Promise.all(ids.map((sessionId) => deps.kv.set(revokedKey(sessionId), '1', ttlMs)));
    if (ids.length > 0) deps.log.info({ sessions: ids.length }, 'session revocations published again');
    return ids.length;
  } catch (error) {
    // Kept for the next recovery: their rows may be gone, so nothing else remembers them.
    const again = unpublished.get(deps.kv) ?? new Set<string>();
    unpublished.set(deps.kv, again);
    for (const sessionId of pending) again.add(sessionId);
    throw error;
  }
}

/** Ids of every session of a user, live or ended: erasure marks them all revoked once the rows are gone. */
export function sessionIdsOf(deps: { db: Db | Tx }, userId: string): Promise<string[]> {
  return repo.sessionIdsOf(deps.db, userId);
}

/**
 * Revokes sessions of a user (all of them when `ids` is omitted) in the caller's transaction and returns
 * their ids: pass them to `markRevoked` once that transaction has committed.
 */
export async function revokeUserSessions(
  deps: SessionDeps,
  db: Db | Tx,
  userId: string,
  reason: string,
  ids?: string[],
): Promise<string[]> {
  return repo.revokeSessions(db, userId, reason, deps.clock(), ids);
}
