import { eq, getTableColumns, inArray, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';

const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/**
 * Tables holding a user's rows, found from the schema itself (every table with a `user_id` column), so a
 * table added later is exported (and, through its cascading foreign key, erased) without anyone
 * remembering to list it here.
 */
const userOwnedTables = tables
  .map((table) => ({ table, column: getTableColumns(table).userId }))
  .filter(
    (entry): entry is { table: PgTable; column: NonNullable<typeof entry.column> } =>
      entry.column !== undefined,
  );

/** Every row that names the user, table by table (SQL table names), secrets included: the caller filters. */
export async function findRowsOfUser(db: Db | Tx, userId: string): Promise<Record<string, unknown[]> | null> {
  const [user] = await db.select().from(schema.users).where(eq(schema.users.id, userId));
  if (!user) return null;
  const data: Record<string, unknown[]> = { users: [user] };
  for (const { table, column } of userOwnedTables) {
    data[getTableConfig(table).name] = await db.select().from(table).where(eq(column, userId));
  }
  const sessionIds = ((data.auth_sessions ?? []) as { id: string }[]).map((session) => session.id);
  data.refresh_tokens = sessionIds.length
    ? await db.select().from(schema.refreshTokens).where(inArray(schema.refreshTokens.sessionId, sessionIds))
    : [];
  // Dialogue turns (the learner's own words) and their scores hang off sessions, not off the user.
  const dialogueSessionIds = ((data.dialogue_sessions ?? []) as { id: string }[]).map(
    (session) => session.id,
  );
  const turns = dialogueSessionIds.length
    ? await db
        .select()
        .from(schema.dialogueTurns)
        .where(inArray(schema.dialogueTurns.sessionId, dialogueSessionIds))
    : [];
  data.dialogue_turns = turns;
  data.dialogue_scores = turns.length
    ? await db
        .select()
        .from(schema.dialogueScores)
        .where(
          inArray(
            schema.dialogueScores.turnId,
            turns.map((turn) => turn.id),
          ),
        )
    : [];
  data.audit_events = await db
    .select()
    .from(schema.auditEvents)
    .where(eq(schema.auditEvents.actorUserId, userId));
  data.lessons = await db.select().from(schema.lessons).where(eq(schema.lessons.createdBy, userId));
  return data;
}
