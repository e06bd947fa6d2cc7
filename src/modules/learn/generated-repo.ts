import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type LearnContentCacheEntry, type LearnPayload, learnContentCache } from '../../db/schema/index.js';

/** The stored generated content of a pair (any generator version), or null. */
export async function findGeneratedContent(
  db: Db,
  targetName: string,
  nativeName: string,
): Promise<LearnContentCacheEntry | null> {
  const [row] = await db
    .select()
    .from(learnContentCache)
    .where(and(eq(learnContentCache.targetName, targetName), eq(learnContentCache.nativeName, nativeName)))
    .limit(1);
  return row ?? null;
}

/** Stores a pair's generated content, replacing an older version's. */
export async function saveGeneratedContent(
  db: Db,
  row: { targetName: string; nativeName: string; payload: LearnPayload; version: string; expiresAt: Date },
): Promise<void> {
  const values = {
    targetName: row.targetName,
    nativeName: row.nativeName,
    payload: row.payload,
    contentVersion: row.version,
    generatedAt: new Date(),
    expiresAt: row.expiresAt,
  };
  await db
    .insert(learnContentCache)
    .values(values)
    .onConflictDoUpdate({
      target: [learnContentCache.targetName, learnContentCache.nativeName],
      set: {
        payload: values.payload,
        contentVersion: values.contentVersion,
        generatedAt: values.generatedAt,
        expiresAt: values.expiresAt,
      },
    });
}
