import { and, asc, eq, gte, inArray, isNotNull, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.js';
import {
  contentItems,
  type NewSrsReview,
  SRS_STATES,
  type SrsCard,
  srsCards,
  srsReviewLog,
  users,
  vocabulary,
} from '../../db/schema/index.js';
import type { CardSchedule } from './scheduler.js';
import type { SrsCardDto } from './schema.js';

type ItemKind = SrsCard['itemKind'];

const NEW = 0;

/** The user's time zone as stored (null when the user does not exist). */
export async function findTimezone(db: Db | Tx, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ timezone: users.timezone })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.timezone ?? null;
}

/** Reviews the user gave since `since`: of new cards (introduced) and of cards already studied. */
export async function countReviewsSince(
  db: Db | Tx,
  params: { userId: string; since: Date },
): Promise<{ introduced: number; reviewed: number }> {
  const [row] = await db
    .select({
      introduced: sql<number>`count(*) filter (where ${srsReviewLog.stateBefore} = ${NEW})`.mapWith(Number),
      reviewed: sql<number>`count(*) filter (where ${srsReviewLog.stateBefore} <> ${NEW})`.mapWith(Number),
    })
    .from(srsReviewLog)
    .where(and(eq(srsReviewLog.userId, params.userId), gte(srsReviewLog.reviewedAt, params.since)));
  return { introduced: row?.introduced ?? 0, reviewed: row?.reviewed ?? 0 };
}

/**
 * The user's cards with their items. A card's item is the user's own vocabulary entry or a content item;
 * `item_ref` is text for both, so the uuid side is compared as text. A card whose item is gone (a lesson
 * item dropped from the content) has nothing to show and is left out.
 */
function cardsWithItems(db: Db | Tx, where: SQL) {
  return db
    .select({ card: srsCards, vocabulary, contentItem: contentItems })
    .from(srsCards)
    .leftJoin(
      vocabulary,
      and(
        eq(srsCards.itemKind, 'vocabulary'),
        eq(vocabulary.userId, srsCards.userId),
        sql`${vocabulary.id}::text = ${srsCards.itemRef}`,
      ),
    )
    .leftJoin(contentItems, and(eq(srsCards.itemKind, 'content_item'), eq(contentItems.id, srsCards.itemRef)))
    .where(and(where, or(isNotNull(vocabulary.id), isNotNull(contentItems.id))));
}

type CardRow = Awaited<ReturnType<typeof cardsWithItems>>[number];

/** Due cards (due at or before `now`) of one kind, new or already studied, soonest first. */
export async function findDueCards(
  db: Db | Tx,
  params: { userId: string; now: Date; fresh: boolean; limit: number },
): Promise<SrsCardDto[]> {
  if (params.limit <= 0) return [];
  const rows = await cardsWithItems(
    db,
    and(
      eq(srsCards.userId, params.userId),
      lte(srsCards.dueAt, params.now),
      params.fresh ? eq(srsCards.state, NEW) : ne(srsCards.state, NEW),
    )!,
  )
    .orderBy(asc(srsCards.dueAt), asc(srsCards.id))
    .limit(params.limit);
  return rows.map(toDto);
}

/** One of the user's cards with its item, or null. */
export async function findCard(db: Db | Tx, params: { userId: string; cardId: string }) {
  const rows = await cardsWithItems(
    db,
    and(eq(srsCards.userId, params.userId), eq(srsCards.id, params.cardId))!,
  ).limit(1);
  const [row] = rows;
  return row ? toDto(row) : null;
}

/** The user's card, locked until the transaction ends so reviews of it serialise; null if not theirs. */
export async function lockCard(tx: Tx, params: { userId: string; cardId: string }): Promise<SrsCard | null> {
  const [card] = await tx
    .select()
    .from(srsCards)
    .where(and(eq(srsCards.id, params.cardId), eq(srsCards.userId, params.userId)))
    .limit(1)
    .for('update');
  return card ?? null;
}

export async function updateSchedule(tx: Tx, cardId: string, schedule: CardSchedule): Promise<void> {
  await tx.update(srsCards).set(schedule).where(eq(srsCards.id, cardId));
}

export async function insertReview(tx: Tx, values: NewSrsReview): Promise<void> {
  await tx.insert(srsReviewLog).values(values);
}

/** A new card for one item, due at `dueAt`. Returns its id. */
export async function insertCard(
  tx: Tx,
  values: { userId: string; itemKind: ItemKind; itemRef: string; dueAt: Date },
): Promise<string> {
  const [card] = await tx.insert(srsCards).values(values).returning({ id: srsCards.id });
  return card!.id;
}

/**
 * New cards, due at once, for those of the content items that exist and that the user has no card for
 * yet; the others are left as they are. Returns how many were created.
 */
export async function insertContentItemCards(
  tx: Tx,
  params: { userId: string; contentItemIds: string[] },
): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`insert into ${srsCards} (user_id, item_kind, item_ref)
        select ${params.userId}::uuid, 'content_item', ${contentItems.id} from ${contentItems}
        where ${contentItems.id} = any(${sql.param(params.contentItemIds)}::text[])
        on conflict (user_id, item_kind, item_ref) do nothing
        returning id`,
  );
  return rows.length;
}

/** Deletes the user's cards of the given items (their review log goes with them). */
export async function deleteCardsOfItems(
  tx: Tx,
  params: { userId: string; itemKind: ItemKind; itemRefs: string[] },
): Promise<void> {
  await tx
    .delete(srsCards)
    .where(
      and(
        eq(srsCards.userId, params.userId),
        eq(srsCards.itemKind, params.itemKind),
        inArray(srsCards.itemRef, params.itemRefs),
      ),
    );
}

/** A row of `cardsWithItems` as the app reads it; the query only returns rows that have their item. */
function toDto({ card, vocabulary: entry, contentItem }: CardRow): SrsCardDto {
  const base = {
    id: card.id,
    itemId: card.itemRef,
    state: SRS_STATES[card.state] ?? 'new',
    dueAt: card.dueAt,
    lastReviewAt: card.lastReviewAt,
    scheduledDays: card.scheduledDays,
    reps: card.reps,
    lapses: card.lapses,
    stability: card.stability,
    difficulty: card.difficulty,
  };
  if (entry) {
    return {
      ...base,
      kind: 'vocabulary',
      item: { word: entry.word, translation: entry.translation, language: entry.language, note: entry.notes },
    };
  }
  const item = contentItem!;
  return {
    ...base,
    kind: 'content_item',
    item: {
      type: item.type,
      value: item.value,
      translation: item.translation,
      pronunciation: item.pronunciation,
      audioUrl: item.audioUrl,
    },
  };
}
