import type { Db, Tx } from '../db/client.js';
import { userEvents } from '../db/schema/events.js';
import type { UserEvent } from './events.js';

/**
 * Queues events in the outbox, in the caller's transaction when given one: they are published only if
 * that transaction commits, and then even if this process dies right after the commit (the relay
 * publishes what is in the table, see src/realtime/relay.ts).
 */
export async function enqueueEvents(db: Db | Tx, events: readonly UserEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insert(userEvents)
    .values(
      events.map((event) => ({
        userId: event.userId,
        type: event.type,
        data: event.data as Record<string, unknown>,
      })),
    );
}
