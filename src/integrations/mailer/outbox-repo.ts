import { and, asc, eq, ilike, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type MailOutboxRow, mailOutbox, type NewMailOutboxRow } from '../../db/schema/mail.js';

/** The queries of the mail outbox. Only the mailer uses them. */

export type OutboxRow = Pick<
  MailOutboxRow,
  'id' | 'kind' | 'toAddress' | 'subject' | 'bodyText' | 'createdAt' | 'attempts'
>;

export interface ClaimParams {
  now: Date;
  limit: number;
  /** Rows created at or before this instant are abandoned instead of claimed. */
  expiredBefore: Date;
  /** Rows that already used this many attempts are abandoned instead of claimed. */
  maxAttempts: number;
  /** Claimed rows are not due again until then: long enough for the worst-case send. */
  leaseUntil: Date;
  /** Hold instead of send: no attempt is counted and the row carries `heldMessage`. */
  heldMessage?: string;
  /** Only rows addressed to this domain. */
  domain?: string;
}

export interface Claim {
  /** Rows to send now; `attempts` already counts this attempt. */
  due: OutboxRow[];
  abandoned: OutboxRow[];
}

const EXPIRED_MESSAGE = 'Expired before delivery';
/**
 * What a message's body becomes once it is sent or abandoned: bodies carry one-time codes, which must not
 * outlive their delivery in a table that backups and operators read. The row stays, for its history.
 */
const ERASED_BODY = '';

export async function insertMail(db: Db | Tx, row: NewMailOutboxRow): Promise<{ id: string }> {
  const [inserted] = await db.insert(mailOutbox).values(row).returning({ id: mailOutbox.id });
  return inserted!;
}

/**
 * Takes due rows in one short transaction. `FOR UPDATE SKIP LOCKED` keeps concurrent dispatchers off each
 * other's rows, and the lease written before commit keeps them off once the locks are gone.
 */
export function claimDueMail(db: Db, params: ClaimParams): Promise<Claim> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: mailOutbox.id,
        kind: mailOutbox.kind,
        toAddress: mailOutbox.toAddress,
        subject: mailOutbox.subject,
        bodyText: mailOutbox.bodyText,
        createdAt: mailOutbox.createdAt,
        attempts: mailOutbox.attempts,
      })
      .from(mailOutbox)
      .where(
        and(
          isNull(mailOutbox.sentAt),
          isNull(mailOutbox.abandonedAt),
          lte(mailOutbox.nextAttemptAt, params.now),
          params.domain ? ilike(mailOutbox.toAddress, `%@${escapeLike(params.domain)}`) : undefined,
        ),
      )
      .orderBy(asc(mailOutbox.nextAttemptAt))
      .limit(params.limit)
      .for('update', { skipLocked: true });

    const isSpent = (row: OutboxRow) =>
      row.createdAt <= params.expiredBefore || row.attempts >= params.maxAttempts;
    const abandoned = rows.filter(isSpent);
    const due = rows.filter((row) => !isSpent(row));

    if (abandoned.length > 0) {
      await tx
        .update(mailOutbox)
        .set({
          abandonedAt: params.now,
          lastError: sql`coalesce(${mailOutbox.lastError}, ${EXPIRED_MESSAGE})`,
          bodyText: ERASED_BODY,
        })
        .where(inArray(mailOutbox.id, ids(abandoned)));
    }
    if (due.length > 0) {
      await tx
        .update(mailOutbox)
        .set(
          params.heldMessage === undefined
            ? { attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: params.leaseUntil }
            : { nextAttemptAt: params.leaseUntil, lastError: params.heldMessage },
        )
        .where(inArray(mailOutbox.id, ids(due)));
    }
    const counted = params.heldMessage === undefined ? 1 : 0;
    return { due: due.map((row) => ({ ...row, attempts: row.attempts + counted })), abandoned };
  });
}

export async function markSent(db: Db, id: string, now: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ sentAt: now, lastError: null, bodyText: ERASED_BODY })
    .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
}

export async function markFailed(db: Db, id: string, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ lastError: error, nextAttemptAt })
    .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
}

export async function markAbandoned(db: Db, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ lastError: error, abandonedAt: now, bodyText: ERASED_BODY })
    .where(and(eq(mailOutbox.id, id), isNull(mailOutbox.sentAt)));
}

const ids = (rows: OutboxRow[]) => rows.map((row) => row.id);
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);
