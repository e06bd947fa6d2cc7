import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import { type FeatureFlagRow, featureFlagOverrides, featureFlags, users } from '../../db/schema/index.js';
import type { FlagRule } from './evaluate.js';

/** Every flag's evaluation rule: what each instance keeps in memory (the table is small). */
export function loadFlagRules(db: Db | Tx): Promise<FlagRule[]> {
  return db
    .select({
      key: featureFlags.key,
      enabled: featureFlags.enabled,
      rolloutPercent: featureFlags.rolloutPercent,
      hasOverrides: sql<boolean>`exists (select 1 from ${featureFlagOverrides}
        where ${featureFlagOverrides.flagKey} = ${featureFlags.key})`,
    })
    .from(featureFlags);
}

/** One user's overrides, flag key → value. */
export async function findOverridesOfUser(db: Db | Tx, userId: string): Promise<Map<string, boolean>> {
  const rows = await db
    .select({ flagKey: featureFlagOverrides.flagKey, value: featureFlagOverrides.value })
    .from(featureFlagOverrides)
    .where(eq(featureFlagOverrides.userId, userId));
  return new Map(rows.map((row) => [row.flagKey, row.value]));
}

export interface FlagWithOverrides extends FeatureFlagRow {
  overrides: { userId: string; value: boolean }[];
}

/** Flags (one, or all by key) with their overrides (by user id). */
export async function findFlagsWithOverrides(db: Db | Tx, key?: string): Promise<FlagWithOverrides[]> {
  const [flags, overrides] = await readAll(db, [
    () =>
      db
        .select()
        .from(featureFlags)
        .where(key === undefined ? undefined : eq(featureFlags.key, key))
        .orderBy(asc(featureFlags.key)),
    () =>
      db
        .select({
          flagKey: featureFlagOverrides.flagKey,
          userId: featureFlagOverrides.userId,
          value: featureFlagOverrides.value,
        })
        .from(featureFlagOverrides)
        .where(key === undefined ? undefined : eq(featureFlagOverrides.flagKey, key))
        .orderBy(asc(featureFlagOverrides.flagKey), asc(featureFlagOverrides.userId)),
  ]);
  const byFlag = new Map<string, { userId: string; value: boolean }[]>();
  for (const { flagKey, userId, value } of overrides) {
    const list = byFlag.get(flagKey) ?? [];
    list.push({ userId, value });
    byFlag.set(flagKey, list);
  }
  return flags.map((flag) => ({ ...flag, overrides: byFlag.get(flag.key) ?? [] }));
}

/** The flag, locked until the transaction ends; null when there is none. */
export async function lockFlag(tx: Tx, key: string): Promise<FeatureFlagRow | null> {
  const [row] = await tx.select().from(featureFlags).where(eq(featureFlags.key, key)).for('update');
  return row ?? null;
}

export interface FlagValues {
  key: string;
  description?: string | undefined;
  enabled: boolean;
  rolloutPercent: number;
  updatedBy: string;
}

/** Creates the flag; null when it already exists (created meanwhile by someone else). */
export async function insertFlag(tx: Tx, values: FlagValues): Promise<FeatureFlagRow | null> {
  const [row] = await tx
    .insert(featureFlags)
    .values({ ...values, description: values.description ?? '' })
    .onConflictDoNothing({ target: featureFlags.key })
    .returning();
  return row ?? null;
}

/** Updates the flag; a description left undefined stays as it is. */
export async function updateFlag(tx: Tx, values: FlagValues): Promise<FeatureFlagRow> {
  const [row] = await tx
    .update(featureFlags)
    .set({
      enabled: values.enabled,
      rolloutPercent: values.rolloutPercent,
      updatedBy: values.updatedBy,
      ...(values.description !== undefined && { description: values.description }),
    })
    .where(eq(featureFlags.key, values.key))
    .returning();
  return row!;
}

/** Marks the flag as changed by this administrator now (an override was set or removed). */
export async function touchFlag(tx: Tx, key: string, updatedBy: string): Promise<void> {
  await tx.update(featureFlags).set({ updatedBy, updatedAt: new Date() }).where(eq(featureFlags.key, key));
}

/** Deletes the flag and, through the foreign key, its overrides. Returns the deleted row. */
export async function deleteFlag(tx: Tx, key: string): Promise<FeatureFlagRow | null> {
  const [row] = await tx.delete(featureFlags).where(eq(featureFlags.key, key)).returning();
  return row ?? null;
}

export async function userExists(db: Db | Tx, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  return row !== undefined;
}

/** The user's override of the flag, or null. */
export async function findOverride(tx: Tx, key: string, userId: string): Promise<boolean | null> {
  const [row] = await tx
    .select({ value: featureFlagOverrides.value })
    .from(featureFlagOverrides)
    .where(and(eq(featureFlagOverrides.flagKey, key), eq(featureFlagOverrides.userId, userId)));
  return row?.value ?? null;
}

export async function upsertOverride(
  tx: Tx,
  values: { flagKey: string; userId: string; value: boolean },
): Promise<void> {
  await tx
    .insert(featureFlagOverrides)
    .values(values)
    .onConflictDoUpdate({
      target: [featureFlagOverrides.flagKey, featureFlagOverrides.userId],
      set: { value: values.value },
    });
}

/** Removes the override; returns its value, or null when there was none. */
export async function deleteOverride(tx: Tx, key: string, userId: string): Promise<boolean | null> {
  const [row] = await tx
    .delete(featureFlagOverrides)
    .where(and(eq(featureFlagOverrides.flagKey, key), eq(featureFlagOverrides.userId, userId)))
    .returning({ value: featureFlagOverrides.value });
  return row?.value ?? null;
}
