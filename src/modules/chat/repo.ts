import { and, asc, count, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type ChatMessage,
  chatMessages,
  conversationStarters,
  type NewChatMessage,
  type NewTranslation,
  translations,
} from '../../db/schema/index.js';

/** The user's messages, newest first, from `offset`. */
export function historyPage(db: Db | Tx, userId: string, limit: number, offset: number) {
  return db
    .select()
    .from(chatMessages)
    .where(eq(chatMessages.userId, userId))
    .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
    .limit(limit)
    .offset(offset);
}

/** The user's messages, newest first, strictly older than the position `after` (keyset pagination). */
export function historyAfter(
  db: Db | Tx,
  userId: string,
  limit: number,
  after: { createdAt: Date; id: string } | null,
) {
  return db
    .select()
    .from(chatMessages)
    .where(
      and(
        eq(chatMessages.userId, userId),
        after
          ? or(
              lt(chatMessages.createdAt, after.createdAt),
              and(eq(chatMessages.createdAt, after.createdAt), lt(chatMessages.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
    .limit(limit);
}

/** Inserts the learner's message unless its idempotency key was used before (then false). */
export async function insertUserMessage(tx: Tx, values: NewChatMessage): Promise<boolean> {
  const rows = await tx
    .insert(chatMessages)
    .values(values)
    .onConflictDoNothing({
      target: [chatMessages.userId, chatMessages.idempotencyKey],
      where: sql`${chatMessages.idempotencyKey} is not null`,
    })
    .returning({ id: chatMessages.id });
  return rows.length > 0;
}

/**
 * Messages' insert, unsent: the caller queues it on a WriteBatch with the XP the exchange earns. A reply
 * may be in the same insert as the message it answers (its reference is checked at the statement's end).
 */
export function messagesWrite(tx: Tx, rows: ChatMessage[]) {
  return tx.insert(chatMessages).values(rows);
}

/** A stored exchange by the learner message's idempotency key: the message and the reply to it. */
export async function findExchange(db: Db | Tx, userId: string, idempotencyKey: string) {
  const [message] = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.userId, userId), eq(chatMessages.idempotencyKey, idempotencyKey)))
    .limit(1);
  if (!message) return null;
  const [reply] = await db
    .select()
    .from(chatMessages)
    .where(and(eq(chatMessages.userId, userId), eq(chatMessages.replyToId, message.id)))
    .limit(1);
  return reply ? { message, reply } : null;
}

/** The starters of a language and level, in order. */
export async function starters(db: Db, language: string, level: string): Promise<string[]> {
  const rows = await db
    .select({ text: conversationStarters.text })
    .from(conversationStarters)
    .where(
      and(
        eq(conversationStarters.language, language),
        eq(conversationStarters.level, level as (typeof conversationStarters.level.enumValues)[number]),
      ),
    )
    .orderBy(asc(conversationStarters.position));
  return rows.map((row) => row.text);
}

/** Translations the user has made since `since` (the daily quota). */
export async function countTranslationsSince(db: Db | Tx, userId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(translations)
    .where(and(eq(translations.userId, userId), gte(translations.createdAt, since)));
  return row?.n ?? 0;
}

export async function insertTranslation(tx: Tx, values: NewTranslation): Promise<void> {
  await tx.insert(translations).values(values);
}
