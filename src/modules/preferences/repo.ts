import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type NewPreferenceProfileRow,
  type PreferenceProfileRow,
  preferenceProfiles,
} from '../../db/schema/index.js';

/** The columns a profile write replaces: everything the wire profile holds, and its ETag. */
export type ProfileValues = Omit<
  NewPreferenceProfileRow,
  'userId' | 'difficulty' | 'autoAdapt' | 'updatedAt'
>;

export async function findProfile(db: Db | Tx, userId: string): Promise<PreferenceProfileRow | null> {
  const [row] = await db.select().from(preferenceProfiles).where(eq(preferenceProfiles.userId, userId));
  return row ?? null;
}

/** Writes the user's profile whatever is stored (insert or replace), in one statement. */
export async function upsertProfile(db: Db | Tx, userId: string, values: ProfileValues) {
  const [row] = await db
    .insert(preferenceProfiles)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: preferenceProfiles.userId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  return row!;
}

/**
 * Replaces the user's profile only if its stored ETag is `etag`: a compare-and-set in one statement. Two
 * such writes racing on the same row serialise on its lock, and the second then finds the ETag the first
 * wrote, so at most one of them succeeds. Null when the ETag differs or there is no profile.
 */
export async function replaceProfileIf(
  db: Db | Tx,
  userId: string,
  etag: string,
  values: ProfileValues,
): Promise<PreferenceProfileRow | null> {
  const [row] = await db
    .update(preferenceProfiles)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(preferenceProfiles.userId, userId), eq(preferenceProfiles.etag, etag)))
    .returning();
  return row ?? null;
}
