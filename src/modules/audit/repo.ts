import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type AuditEvent, auditEvents, type NewAuditEvent } from '../../db/schema/index.js';

export async function insertAuditEvent(db: Db | Tx, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event);
}

export interface AuditQuery {
  actorUserId?: string;
  event?: string;
  severity?: AuditEvent['severity'];
  from?: Date;
  to?: Date;
  /** Keyset cursor: the (createdAt, id) of the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while events keep arriving. */
export async function findAuditEvents(db: Db | Tx, query: AuditQuery): Promise<AuditEvent[]> {
  const conditions: SQL[] = [];
  if (query.actorUserId) conditions.push(eq(auditEvents.actorUserId, query.actorUserId));
  if (query.event) conditions.push(eq(auditEvents.event, query.event));
  if (query.severity) conditions.push(eq(auditEvents.severity, query.severity));
  if (query.from) conditions.push(gte(auditEvents.createdAt, query.from));
  if (query.to) conditions.push(lte(auditEvents.createdAt, query.to));
  if (query.after) {
    conditions.push(
      or(
        lt(auditEvents.createdAt, query.after.createdAt),
        and(eq(auditEvents.createdAt, query.after.createdAt), lt(auditEvents.id, query.after.id)),
      )!,
    );
  }
  return db
    .select()
    .from(auditEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(query.limit);
}

/** Erasure: the user's audit rows keep what happened and when, but no longer who, from where or how. */
export async function anonymiseAuditEventsOf(db: Db | Tx, userId: string): Promise<void> {
  await db
    .update(auditEvents)
    .set({ actorUserId: null, ip: null, userAgent: null, target: null, details: {} })
    .where(eq(auditEvents.actorUserId, userId));
}
