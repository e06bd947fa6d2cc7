import { and, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authSessions, userStats, users } from '../../db/schema/index.js';

/** Escapes LIKE wildcards so a fragment matches only itself. */
const likeFragment = (fragment: string) => `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// Spelled out: inside a selection drizzle leaves column names unqualified, and `id` would be the session's.
const lastActiveAt = sql<Date | string | null>`(
  select max(s.last_seen_at) from auth_sessions s where s.user_id = "users"."id")`;

/**
 * Accounts newest first, matching an id exactly or an email/name fragment, after the keyset
 * `(createdAt, id)` when given. Asks for `limit` rows.
 */
export async function searchUsers(
  db: Db,
  params: {
    id?: string;
    fragment?: string;
    after?: { createdAt: string; id: string };
    limit: number;
  },
) {
  const pattern = params.fragment ? likeFragment(params.fragment) : undefined;
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      isPremium: users.isPremium,
      createdAt: users.createdAt,
      lastActiveAt,
      // Microseconds, as stored: a cursor in milliseconds would skip rows created within one millisecond.
      cursorAt: sql<string>`to_char(${users.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(users)
    .where(
      and(
        params.id ? eq(users.id, params.id) : undefined,
        pattern
          ? or(ilike(users.email, pattern), ilike(users.name, pattern), ilike(users.displayName, pattern))
          : undefined,
        params.after
          ? sql`(${users.createdAt}, ${users.id}) < (${params.after.createdAt}::timestamptz, ${params.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(params.limit);
  return rows.map((row) => ({
    ...row,
    lastActiveAt: row.lastActiveAt === null ? null : new Date(row.lastActiveAt),
  }));
}

/** One account with its stats row (null stats when it has none). */
export async function findUserWithStats(db: Db, userId: string) {
  const [row] = await db
    .select({ user: users, stats: userStats })
    .from(users)
    .leftJoin(userStats, eq(userStats.userId, users.id))
    .where(eq(users.id, userId));
  return row ?? null;
}

/** The user's sessions, most recently used first (at most `limit`). */
export function sessionsOf(db: Db, userId: string, limit: number) {
  return db
    .select()
    .from(authSessions)
    .where(eq(authSessions.userId, userId))
    .orderBy(desc(authSessions.lastSeenAt))
    .limit(limit);
}
