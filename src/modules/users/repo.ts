import { and, asc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import {
  type Entitlement,
  entitlements,
  type NewUser,
  type NewUserSettings,
  type NewUserStats,
  progressionCounters,
  revenuecatEvents,
  type User,
  type UserSettings,
  type UserStats,
  userBadges,
  userSettings,
  userStats,
  users,
} from '../../db/schema/index.js';

type EntitlementName = Entitlement['entitlement'];
type EntitlementSource = Entitlement['source'];

/**
 * SQL: the user holds an entitlement that is not revoked and has not expired at `now`. Premium is always
 * derived from this, never from `users.is_premium` alone, because an expiry needs no event to take effect.
 */
export function activeEntitlementExists(userId: string, now: Date): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${entitlements} where ${entitlements.userId} = ${userId}
    and ${entitlements.revokedAt} is null
    and (${entitlements.expiresAt} is null or ${entitlements.expiresAt} > ${now.toISOString()}::timestamptz))`;
}

export async function findUserByEmail(db: Db | Tx, email: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user ?? null;
}

export async function findUserById(
  db: Db | Tx,
  id: string,
  options: { lock?: boolean } = {},
): Promise<User | null> {
  const query = db.select().from(users).where(eq(users.id, id)).limit(1);
  const [user] = options.lock ? await query.for('update') : await query;
  return user ?? null;
}

/** Creates the user with its settings and stats rows. Returns null when the email is taken. */
export async function insertUser(tx: Tx, values: NewUser): Promise<User | null> {
  const [user] = await tx
    .insert(users)
    .values(values)
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) return null;
  await tx.insert(userSettings).values({ userId: user.id });
  await tx.insert(userStats).values({ userId: user.id });
  return user;
}

/** Deletes the user; every row that references it goes too (foreign keys cascade). False if none was. */
export async function deleteUser(tx: Tx, userId: string): Promise<boolean> {
  const rows = await tx.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length > 0;
}

/** The rows a profile is assembled from, with premium derived at `now`; null when the user does not exist. */
export async function findProfileRows(db: Db | Tx, userId: string, now: Date) {
  const [[row], badgeRows] = await readAll(db, [
    () =>
      db
        .select({
          user: users,
          settings: userSettings,
          stats: userStats,
          isPremium: activeEntitlementExists(userId, now),
        })
        .from(users)
        .leftJoin(userSettings, eq(userSettings.userId, users.id))
        .leftJoin(userStats, eq(userStats.userId, users.id))
        .where(eq(users.id, userId))
        .limit(1),
    () =>
      db
        .select({ badgeId: userBadges.badgeId })
        .from(userBadges)
        .where(eq(userBadges.userId, userId))
        .orderBy(asc(userBadges.unlockedAt), asc(userBadges.badgeId)),
  ]);
  if (!row) return null;
  return {
    user: row.user,
    settings: row.settings as UserSettings | null,
    stats: row.stats as UserStats | null,
    isPremium: Boolean(row.isPremium),
    badges: badgeRows.map((badge) => badge.badgeId),
  };
}

export async function userExists(db: Db | Tx, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  return row !== undefined;
}

export async function findUserEmail(db: Db | Tx, userId: string): Promise<string | null> {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.email ?? null;
}

/** Writes the given columns of a user; nothing at all when there is nothing to write. */
export async function updateUser(db: Db | Tx, userId: string, values: Partial<NewUser>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.update(users).set(values).where(eq(users.id, userId));
}

/** Writes the given settings, creating the row with defaults for the rest if it is missing. */
export async function upsertSettings(tx: Tx, userId: string, values: Partial<NewUserSettings>) {
  if (Object.keys(values).length === 0) return;
  await tx
    .insert(userSettings)
    .values({ ...values, userId })
    .onConflictDoUpdate({ target: userSettings.userId, set: values });
}

/** What the chat quota needs to answer, read in one round trip. */
export async function findQuotaState(db: Db | Tx, userId: string, now: Date) {
  const [row] = await db
    .select({
      timezone: users.timezone,
      messagesUsedToday: userStats.messagesUsedToday,
      lastMessageDate: userStats.lastMessageDate,
      isPremium: activeEntitlementExists(userId, now),
    })
    .from(users)
    .leftJoin(userStats, eq(userStats.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

/**
 * Counts one chat message in a single conditional UPDATE, so concurrent calls can never take a free user
 * past the limit: PostgreSQL re-checks the WHERE clause against the row a concurrent update just wrote.
 * A stored date after `today` (the user moved west) counts as today, so changing zone cannot reset it.
 * Returns today's count after this message with whether the user is premium and their progression
 * counters (the row is now locked until the transaction ends), or null when nothing was counted (limit
 * reached).
 */
export async function countMessageIfAllowed(
  db: Db | Tx,
  params: { userId: string; today: string; now: Date; dailyLimit: number },
) {
  const today = sql`${params.today}::date`;
  const newDay = sql`(${userStats.lastMessageDate} is null or ${userStats.lastMessageDate} < ${today})`;
  const rows = await db
    .update(userStats)
    .set({
      messagesUsedToday: sql`case when ${newDay} then 1 else ${userStats.messagesUsedToday} + 1 end`,
      lastMessageDate: sql`greatest(${userStats.lastMessageDate}, ${today})`,
      totalChats: sql`${userStats.totalChats} + 1`,
    })
    .where(
      and(
        eq(userStats.userId, params.userId),
        or(
          newDay,
          lt(userStats.messagesUsedToday, params.dailyLimit),
          activeEntitlementExists(params.userId, params.now),
        ),
      ),
    )
    .returning({
      usedToday: userStats.messagesUsedToday,
      isPremium: activeEntitlementExists(params.userId, params.now),
      counters: progressionCounters,
    });
  return rows[0] ?? null;
}

/** The stats row with the user's zone, locked until the transaction ends so stats syncs serialise. */
export async function findStatsForUpdate(
  tx: Tx,
  userId: string,
): Promise<{ timezone: string; stats: UserStats } | null> {
  const [row] = await tx
    .select({ timezone: users.timezone, stats: userStats })
    .from(userStats)
    .innerJoin(users, eq(users.id, userStats.userId))
    .where(eq(userStats.userId, userId))
    .limit(1)
    .for('update', { of: userStats });
  return row ?? null;
}

export async function updateStatsRow(tx: Tx, userId: string, values: Partial<NewUserStats>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await tx.update(userStats).set(values).where(eq(userStats.userId, userId));
}

/**
 * Grants or extends an entitlement (one row per user, entitlement and source). A later expiry never
 * shortens an active one, so a renewal delivered before an older event still wins; null means forever.
 */
export async function upsertEntitlement(
  tx: Tx,
  values: {
    userId: string;
    entitlement: EntitlementName;
    source: EntitlementSource;
    productId: string | null;
    expiresAt: Date | null;
  },
): Promise<void> {
  const incoming = sql`excluded.expires_at`;
  await tx
    .insert(entitlements)
    .values({ ...values, revokedAt: null })
    .onConflictDoUpdate({
      target: [entitlements.userId, entitlements.entitlement, entitlements.source],
      set: {
        productId: sql`coalesce(excluded.product_id, ${entitlements.productId})`,
        expiresAt: sql`case
          when ${entitlements.revokedAt} is not null then ${incoming}
          when ${incoming} is null or ${entitlements.expiresAt} is null then null
          else greatest(${entitlements.expiresAt}, ${incoming}) end`,
        revokedAt: null,
        updatedAt: sql`now()`,
      },
    });
}

/**
 * Revokes the user's live entitlements matching the filter and returns what was revoked. With
 * `expiringBy`, one that runs past that instant is kept: a renewal arrived after the expiry it answers.
 */
export async function revokeEntitlements(
  tx: Tx,
  params: {
    userId: string;
    now: Date;
    source?: EntitlementSource;
    entitlements?: EntitlementName[];
    expiringBy?: Date;
  },
): Promise<Pick<Entitlement, 'entitlement' | 'source'>[]> {
  const conditions: SQL[] = [eq(entitlements.userId, params.userId), isNull(entitlements.revokedAt)];
  if (params.source) conditions.push(eq(entitlements.source, params.source));
  if (params.entitlements) conditions.push(inArray(entitlements.entitlement, params.entitlements));
  if (params.expiringBy) {
    conditions.push(sql`${entitlements.expiresAt} <= ${params.expiringBy.toISOString()}::timestamptz`);
  }
  return tx
    .update(entitlements)
    .set({ revokedAt: params.now })
    .where(and(...conditions))
    .returning({ entitlement: entitlements.entitlement, source: entitlements.source });
}

/** Recomputes the denormalised `users.is_premium` from the entitlements; returns the new value. */
export async function syncPremiumFlag(tx: Tx, userId: string, now: Date): Promise<boolean> {
  const [row] = await tx
    .update(users)
    .set({ isPremium: activeEntitlementExists(userId, now) })
    .where(eq(users.id, userId))
    .returning({ isPremium: users.isPremium });
  return row?.isPremium ?? false;
}

/** Records a webhook delivery; false when this event id was seen before (a retry). */
export async function insertRevenuecatEvent(
  tx: Tx,
  values: { eventId: string; type: string; userId: string | null },
): Promise<boolean> {
  const rows = await tx
    .insert(revenuecatEvents)
    .values(values)
    .onConflictDoNothing({ target: revenuecatEvents.eventId })
    .returning({ eventId: revenuecatEvents.eventId });
  return rows.length > 0;
}
