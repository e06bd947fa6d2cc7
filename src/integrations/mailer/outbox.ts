import type { Db, Tx } from '../../db/client.js';
import type { MAIL_KINDS } from '../../db/schema/mail.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { maskAddress } from './mask.js';
import {
  claimDueMail,
  insertMail,
  markAbandoned,
  markFailed,
  markSent,
  type OutboxRow,
} from './outbox-repo.js';
import type { MailTransport } from './types.js';

export type MailKind = (typeof MAIL_KINDS)[number];

export interface EnqueueMailInput {
  userId?: string | null;
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
}

/**
 * Writes a message to the outbox. Call it with the transaction of the change that causes the mail, so a
 * rolled-back change mails nothing; call `dispatcher.wake()` after that transaction commits.
 * Database errors propagate (and roll the caller's transaction back).
 */
export function enqueueMail(db: Db | Tx, input: EnqueueMailInput): Promise<{ id: string }> {
  return insertMail(db, {
    userId: input.userId ?? null,
    kind: input.kind,
    toAddress: input.to,
    subject: input.subject,
    bodyText: input.text,
    // Due from the process clock, which the dispatcher compares with (in milliseconds). The column's
    // default, the database's now(), has microseconds: a message enqueued and claimed within the same
    // millisecond was not yet due, and the database's clock may differ from this process's.
    nextAttemptAt: new Date(),
  });
}

export type MailOutcome = 'sent' | 'failed' | 'abandoned';

export interface MailDispatcherOptions {
  db: Db;
  log: Logger;
  /** null: no SMTP configured. Messages are then held in the table and announced once, masked. */
  transport: MailTransport | null;
  /** Pause between polls when there is nothing to do. Default 5 s. */
  pollIntervalMs?: number;
  /** Rows claimed and sent (concurrently) per pass. Default 10. */
  batchSize?: number;
  /** Attempts before a message is abandoned. Default 8. */
  maxAttempts?: number;
  /** A message not delivered within this age is abandoned: its code is useless by then. Default 24 h. */
  maxAgeMs?: number;
  /** Delay before attempt n+1 after n failures: base * 2^(n-1), capped, with jitter. Default 30 s, 1 h. */
  retryBackoff?: { baseMs: number; maxMs: number };
  /** How long a claimed row stays invisible to other dispatchers; above the transport's worst case. 5 min. */
  leaseMs?: number;
  /** Only mail to this domain (tests run their own dispatchers on the shared database). Default: all. */
  onlyDomain?: string;
  clock?: () => Date;
  onOutcome?: (outcome: MailOutcome) => void;
}

export interface MailDispatcher {
  /** Starts polling in the background. Idempotent. */
  start(): void;
  /** Stops polling, aborts sends in progress and waits until the in-flight drain has recorded them. */
  stop(): Promise<void>;
  /** One pass over due messages; resolves with how many were delivered. Resolves 0 after `stop()`. */
  drainOnce(): Promise<number>;
  /** Drains now instead of at the next poll (call after committing an enqueue). No-op unless started. */
  wake(): void;
}

const HELD_MESSAGE = 'Held: SMTP_URL is not set';

/**
 * Delivers the outbox: claims due rows (safe with several instances), sends each, and records the result:
 * sent, or rescheduled with backoff, or abandoned after `maxAttempts` or `maxAgeMs`. Never throws from the
 * background loop; failures are logged without addresses (masked), bodies or server credentials.
 */
export function createMailDispatcher(options: MailDispatcherOptions): MailDispatcher {
  const { db, log, transport } = options;
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 10;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
  const backoff = options.retryBackoff ?? { baseMs: 30_000, maxMs: 60 * 60_000 };
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const count = (outcome: MailOutcome) => options.onOutcome?.(outcome);

  let state: 'idle' | 'running' | 'stopped' = 'idle';
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const inFlight = new Set<Promise<unknown>>();
  const shutdown = new AbortController();

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  async function pass(): Promise<{ claimed: number; sent: number }> {
    const now = clock();
    const claim = await claimDueMail(db, {
      now,
      limit: batchSize,
      expiredBefore: new Date(now.getTime() - maxAgeMs),
      maxAttempts,
      leaseUntil: new Date(now.getTime() + (transport ? leaseMs : maxAgeMs)),
      ...(transport ? {} : { heldMessage: HELD_MESSAGE }),
      ...(options.onlyDomain ? { domain: options.onlyDomain } : {}),
    });
    for (const row of claim.abandoned) {
      count('abandoned');
      log.warn(
        { ...describeRow(row), attempts: row.attempts },
        'mail abandoned: too old or too many attempts',
      );
    }
    if (!transport) {
      for (const row of claim.due) {
        const to = maskAddress(row.toAddress);
        log.info(describeRow(row), `mail to ${to} held in the mail_outbox table: SMTP_URL is not set`);
      }
      return { claimed: claim.due.length + claim.abandoned.length, sent: 0 };
    }
    const results = await Promise.allSettled(claim.due.map((row) => deliver(transport, row)));
    for (const result of results) {
      // The send happened (or not) but its outcome is not stored: the lease expires and it is tried again.
      if (result.status === 'rejected') log.error({ err: result.reason }, 'mail outcome not recorded');
    }
    const sent = results.filter((result) => result.status === 'fulfilled' && result.value).length;
    return { claimed: claim.due.length + claim.abandoned.length, sent };
  }

  async function deliver(sender: MailTransport, row: OutboxRow): Promise<boolean> {
    try {
      await sender.send(
        { to: row.toAddress, subject: row.subject, text: row.bodyText },
        { signal: shutdown.signal },
      );
    } catch (error) {
      // Our transports throw AppError with a safe message; anything else may carry what must not be stored.
      const reason = error instanceof AppError ? error.message.slice(0, 200) : 'Mail transport failed';
      const now = clock();
      if (row.attempts >= maxAttempts) {
        await markAbandoned(db, row.id, reason, now);
        count('abandoned');
        log.warn(
          { ...describeRow(row), attempts: row.attempts, reason },
          'mail abandoned after its last attempt',
        );
      } else {
        const nextAttemptAt = new Date(now.getTime() + retryDelay(row.attempts, backoff));
        await markFailed(db, row.id, reason, nextAttemptAt);
        count('failed');
        log.warn({ ...describeRow(row), attempts: row.attempts, reason, nextAttemptAt }, 'mail send failed');
      }
      return false;
    }
    await markSent(db, row.id, clock());
    count('sent');
    log.info({ ...describeRow(row), attempts: row.attempts }, 'mail sent');
    return true;
  }

  async function run(): Promise<void> {
    while (state === 'running') {
      woken = false;
      let claimed = 0;
      try {
        claimed = (await track(pass())).claimed;
      } catch (error) {
        log.warn({ err: error }, 'mail dispatch pass failed');
      }
      if (state !== 'running') return;
      if (claimed >= batchSize || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      loop = run();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      shutdown.abort();
      wakeUp?.();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
    async drainOnce() {
      if (state === 'stopped') return 0;
      return (await track(pass())).sent;
    },
    wake() {
      if (state !== 'running') return;
      woken = true;
      wakeUp?.();
    },
  };
}

function describeRow(row: OutboxRow) {
  return { mailId: row.id, kind: row.kind, to: maskAddress(row.toAddress) };
}

/** Exponential with "equal jitter": between half and all of the exponential delay. */
function retryDelay(attempts: number, backoff: { baseMs: number; maxMs: number }): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
  return exponential / 2 + (Math.random() * exponential) / 2;
}
