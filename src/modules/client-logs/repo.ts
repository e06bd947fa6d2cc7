import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type ClientLogLevel, clientLogs, type NewClientLog } from '../../db/schema/index.js';

/** Writes a batch's entries in one statement. */
export async function insertClientLogs(db: Db | Tx, rows: NewClientLog[]): Promise<void> {
  if (rows.length > 0) await db.insert(clientLogs).values(rows);
}

/**
 * Deletes at most `limit` entries of `level` received before `before`; answers how many. Bounded so each
 * statement is short and holds its row locks briefly; the (level, received_at) index finds them.
 */
export async function deleteClientLogsBefore(
  db: Db | Tx,
  params: { level: ClientLogLevel; before: Date; limit: number },
): Promise<number> {
  const batch = db
    .select({ id: clientLogs.id })
    .from(clientLogs)
    .where(and(eq(clientLogs.level, params.level), lt(clientLogs.receivedAt, params.before)))
    .limit(params.limit);
  const deleted = await db
    .delete(clientLogs)
    .where(inArray(clientLogs.id, batch))
    .returning({ id: clientLogs.id });
  return deleted.length;
}
