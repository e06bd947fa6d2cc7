import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type NewVocabularyEntry, type VocabularyEntry, vocabulary } from '../../db/schema/index.js';

/** Inserts the entry; null when the user already has this word in this language. */
export async function insertEntry(tx: Tx, values: NewVocabularyEntry): Promise<VocabularyEntry | null> {
  const [entry] = await tx
    .insert(vocabulary)
    .values(values)
    .onConflictDoNothing({ target: [vocabulary.userId, vocabulary.language, vocabulary.word] })
    .returning();
  return entry ?? null;
}

export interface EntryQuery {
  userId: string;
  language?: string;
  /** Keyset cursor: the (createdAt, id) of the last entry of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** The user's entries, newest first, keyset-paginated on (created_at, id) so pages hold while words are added. */
export function findEntries(db: Db | Tx, query: EntryQuery): Promise<VocabularyEntry[]> {
  const conditions: SQL[] = [eq(vocabulary.userId, query.userId)];
  if (query.language) conditions.push(eq(vocabulary.language, query.language));
  if (query.after) {
    conditions.push(
      or(
        lt(vocabulary.createdAt, query.after.createdAt),
        and(eq(vocabulary.createdAt, query.after.createdAt), lt(vocabulary.id, query.after.id)),
      )!,
    );
  }
  return db
    .select()
    .from(vocabulary)
    .where(and(...conditions))
    .orderBy(desc(vocabulary.createdAt), desc(vocabulary.id))
    .limit(query.limit);
}

/** Deletes one of the user's entries; false when the user has no such entry. */
export async function deleteEntry(tx: Tx, params: { userId: string; id: string }): Promise<boolean> {
  const rows = await tx
    .delete(vocabulary)
    .where(and(eq(vocabulary.id, params.id), eq(vocabulary.userId, params.userId)))
    .returning({ id: vocabulary.id });
  return rows.length > 0;
}
