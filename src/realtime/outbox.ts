import { and, asc, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../db/client.js';
import { type UserEventRow, userEvents } from '../db/schema/events.js';
import type { UserEvent } from './events.js';

/**
 * Queues events in the outbox, in the caller's transaction when given one: they are published only if
 * that transaction commits, and then even if this process dies right after the commit (the relay
 * publishes what is in the table, see src/realtime/relay.ts).
 */
export async function enqueueEvents(db: Db | Tx, events: readonly UserEvent[]): Promise<void> {
  const write = eventsWrite(db, events);
  if (write) await write;
}

/**
 * The outbox insert of these events as a lazy builder, for a transaction's WriteBatch (db/write-batch.ts):
 * an independent write that can share the statement of the change that caused it. Null when empty.
 */
export function eventsWrite(db: Db | Tx, events: readonly UserEvent[]) {
  if (events.length === 0) return null;
  return db.insert(userEvents).values(
    events.map((event) => ({
      userId: event.userId,
      type: event.type,
      data: event.data as Record<string, unknown>,
    })),
  );
}

/** What a producer needs besides its transaction: the relay to wake once the events are committed. */
export interface EventsDeps {
  relay: { wake(): void };
}

export type OutboxRow = Pick<UserEventRow, 'id' | 'userId' | 'type' | 'data' | 'createdAt'>;

/**
 * The oldest unpublished rows, locked for the caller's transaction; rows another relay holds are skipped
 * (`SKIP LOCKED`), so relays on several instances never take the same row.
 */
export function claimUnpublished(tx: Tx, limit: number): Promise<OutboxRow[]> {
  return tx
    .select({
      id: userEvents.id,
      userId: userEvents.userId,
      type: userEvents.type,
      data: userEvents.data,
      createdAt: userEvents.createdAt,
    })
    .from(userEvents)
    .where(isNull(userEvents.publishedAt))
    .orderBy(asc(userEvents.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export function markPublished(tx: Tx, ids: readonly number[], at: Date) {
  return tx
    .update(userEvents)
    .set({ publishedAt: at })
    .where(inArray(userEvents.id, [...ids]));
}

/** Deletes up to `limit` rows published before `before`; returns how many. */
export async function prunePublished(db: Db, before: Date, limit: number): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`delete from ${userEvents} where ${userEvents.id} in (
          select ${userEvents.id} from ${userEvents}
          where ${and(isNotNull(userEvents.publishedAt), lt(userEvents.publishedAt, before))}
          limit ${limit})
        returning ${userEvents.id} as id`,
  );
  return rows.length;
}
