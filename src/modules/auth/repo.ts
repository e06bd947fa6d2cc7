import { and, asc, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type AuthSession,
  authSessions,
  passwordHistory,
  type RefreshToken,
  refreshTokens,
} from '../../db/schema/index.js';

export async function insertPasswordHistory(tx: Tx, userId: string, hash: string): Promise<void> {
  await tx.insert(passwordHistory).values({ userId, passwordHash: hash });
}

/** The last `limit` password hashes of a user, newest first. */
export async function recentPasswordHashes(db: Db | Tx, userId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(limit);
  return rows.map((row) => row.hash);
}

/** Records a new password and keeps only the newest `keep` entries. */
export async function pushPasswordHistory(tx: Tx, userId: string, hash: string, keep: number): Promise<void> {
  await insertPasswordHistory(tx, userId, hash);
  await tx.execute(sql`
    delete from password_history where user_id = ${userId} and id not in (
      select id from password_history where user_id = ${userId} order by created_at desc limit ${keep})`);
}

export async function insertSession(tx: Tx, values: typeof authSessions.$inferInsert): Promise<AuthSession> {
  const [session] = await tx.insert(authSessions).values(values).returning();
  return session!;
}

export async function insertRefreshToken(tx: Tx, values: typeof refreshTokens.$inferInsert): Promise<void> {
  await tx.insert(refreshTokens).values(values);
}

/** Live sessions of a user, least recently used first. */
export async function activeSessions(db: Db | Tx, userId: string, now: Date): Promise<AuthSession[]> {
  return db
    .select()
    .from(authSessions)
    .where(
      and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt), gt(authSessions.expiresAt, now)),
    )
    .orderBy(asc(authSessions.lastSeenAt), asc(authSessions.createdAt));
}

/**
 * A refresh token with its session, both rows locked so concurrent refreshes of one token serialise: the
 * second waits, then sees the first one's rotation (locking only the session would let it read the token
 * row as it was before the first committed).
 */
export async function findRefreshTokenForUpdate(
  tx: Tx,
  tokenHash: string,
): Promise<{ token: RefreshToken; session: AuthSession } | null> {
  const [row] = await tx
    .select({ token: refreshTokens, session: authSessions })
    .from(refreshTokens)
    .innerJoin(authSessions, eq(authSessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1)
    .for('update');
  return row ?? null;
}

/** The most recently rotated token of a session: the only one whose replay may be an innocent retry. */
export async function lastRotatedTokenId(tx: Tx, sessionId: string): Promise<string | null> {
  const [row] = await tx
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.sessionId, sessionId), sql`${refreshTokens.rotatedAt} is not null`))
    .orderBy(desc(refreshTokens.rotatedAt))
    .limit(1);
  return row?.id ?? null;
}

/** Marks the token rotated if nobody else has; false when it already was (a lost race). */
export async function markTokenRotated(tx: Tx, tokenId: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(refreshTokens)
    .set({ rotatedAt: at })
    .where(and(eq(refreshTokens.id, tokenId), isNull(refreshTokens.rotatedAt)))
    .returning({ id: refreshTokens.id });
  return rows.length === 1;
}

export async function touchSession(
  tx: Tx,
  sessionId: string,
  values: { lastSeenAt: Date; expiresAt: Date; ipAddress: string | null; userAgent: string | null },
): Promise<void> {
  await tx.update(authSessions).set(values).where(eq(authSessions.id, sessionId));
}

/** Revokes the given live sessions (all of the user's when `ids` is omitted); returns the ids revoked. */
export async function revokeSessions(
  db: Db | Tx,
  userId: string,
  reason: string,
  at: Date,
  ids?: string[],
): Promise<string[]> {
  const rows = await db
    .update(authSessions)
    .set({ revokedAt: at, revokedReason: reason })
    .where(
      and(
        eq(authSessions.userId, userId),
        isNull(authSessions.revokedAt),
        ids ? inArray(authSessions.id, ids) : undefined,
      ),
    )
    .returning({ id: authSessions.id });
  return rows.map((row) => row.id);
}

/** Ids of sessions revoked at or after `since` (revocation marks to publish again after a store outage). */
export async function sessionsRevokedSince(db: Db | Tx, since: Date): Promise<string[]> {
  const rows = await db
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(gte(authSessions.revokedAt, since));
  return rows.map((row) => row.id);
}

export async function findSession(db: Db | Tx, sessionId: string): Promise<AuthSession | null> {
  const [session] = await db.select().from(authSessions).where(eq(authSessions.id, sessionId)).limit(1);
  return session ?? null;
}

/** Ids of every session of a user, live or not (erasure revokes their access tokens). */
export async function sessionIdsOf(db: Db | Tx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(eq(authSessions.userId, userId));
  return rows.map((row) => row.id);
}
