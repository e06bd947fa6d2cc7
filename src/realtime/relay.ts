import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { loggableError } from '../db/errors.js';
import type { Logger } from '../lib/logger.js';
import { requestContext } from '../lib/request-context.js';
import { inSpan } from '../lib/telemetry/tracer.js';
import type { RealtimeHub } from './hub.js';
import { claimUnpublished, markPublished, prunePublished } from './outbox.js';
import type { EventStreams, StoredEvent } from './streams.js';

export interface EventRelay {
  /** Runs the relay in the background: after every `wake()` and every poll interval. Idempotent. */
  start(): void;
  /** Stops the loop and waits for a round in progress. */
  stop(): Promise<void>;
  /** Call after committing a transaction that queued events: the relay publishes them at once. */
  wake(): void;
  /** Publishes one batch now; returns how many rows it published. */
  relayOnce(): Promise<number>;
  /** Deletes published rows past the retention; returns how many. */
  prune(): Promise<number>;
}

export interface EventRelayOptions {
  batchSize: number;
  pollMs: number;
  retentionMs: number;
}

export interface EventRelayDeps {
  db: Db;
  streams: EventStreams;
  hub: Pick<RealtimeHub, 'wakeUsers'>;
  log: Logger;
  registry: Registry;
  clock: () => Date;
}

/** Published rows are deleted at most this often per instance, in chunks of this many. */
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_CHUNK = 5_000;

/**
 * The outbox relay: takes unpublished `user_events` rows in id order (`FOR UPDATE SKIP LOCKED`, so relays
 * on several instances share the work and never take the same row), appends each to its user's stream,
 * wakes every instance's subscribers of those users over pub/sub, and stamps `published_at` in the same
 * transaction. A crash after the append and before the commit leaves the rows unpublished; the next relay
 * appends them again and the stream keeps each outbox id once (streams.ts), so no client sees an event
 * twice. Woken after commits by the process that made them, and polling as the safety net for everything
 * else (other processes, the jobs worker, a wake that came while it was busy).
 */
export function createEventRelay(deps: EventRelayDeps, options: EventRelayOptions): EventRelay {
  const log = deps.log.child({ component: 'event-relay' });
  const published = new Counter({
    name: 'user_events_published_total',
    help: 'User events the relay appended to users’ streams',
    registers: [deps.registry],
  });
  // Measured by the rounds, never at scrape time: /metrics must answer whatever the database does.
  let lagSeconds = 0;
  let lastRoundAt = Date.now();
  new Gauge({
    name: 'user_events_outbox_lag_seconds',
    help: 'Age of the oldest unpublished user event when the relay last looked (0 when none waited), growing while its rounds fail',
    registers: [deps.registry],
    collect() {
      const stalled = loop ? Math.max(0, (Date.now() - lastRoundAt - options.pollMs) / 1000) : 0;
      this.set(Math.max(lagSeconds, stalled));
    },
  });

  let loop: Promise<void> | undefined;
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | undefined;
  let lastPrune = 0;

  const relayOnce = () =>
    deps.db.transaction(async (tx) => {
      const rows = await claimUnpublished(tx, options.batchSize);
      lastRoundAt = Date.now();
      // A full batch leaves older rows behind it; a partial one took every row no other relay holds.
      lagSeconds =
        rows.length === options.batchSize
          ? Math.max(0, (deps.clock().getTime() - rows[0]!.createdAt.getTime()) / 1000)
          : 0;
      if (rows.length === 0) return 0;
      const byUser = new Map<string, StoredEvent[]>();
      for (const row of rows) {
        const events = byUser.get(row.userId) ?? [];
        events.push({ id: row.id, type: row.type, data: row.data, at: row.createdAt.toISOString() });
        byUser.set(row.userId, events);
      }
      await inSpan(
        'events relay',
        { attributes: { 'events.count': rows.length, 'events.users': byUser.size } },
        async () => {
          await Promise.all([...byUser].map(([userId, events]) => deps.streams.append(userId, events)));
          // At most once: a lost wake-up costs a subscriber its recheck interval, never an event.
          await deps.hub
            .wakeUsers([...byUser.keys()])
            .catch((error: unknown) => log.warn({ err: error }, 'subscribers not woken'));
        },
      );
      await markPublished(
        tx,
        rows.map((row) => row.id),
        deps.clock(),
      );
      published.inc(rows.length);
      return rows.length;
    });

  const prune = async () => {
    const before = new Date(deps.clock().getTime() - options.retentionMs);
    let total = 0;
    for (let deleted = PRUNE_CHUNK; deleted === PRUNE_CHUNK; total += deleted)
      deleted = await prunePublished(deps.db, before, PRUNE_CHUNK);
    return total;
  };

  const run = async () => {
    while (!stopped) {
      woken = false;
      try {
        while (!stopped && (await relayOnce()) === options.batchSize);
        if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          const deleted = await prune();
          if (deleted > 0) log.info({ deleted }, 'published user events pruned');
        }
      } catch (error) {
        log.warn({ err: loggableError(error) }, 'event relay round failed; retrying');
      }
      if (stopped || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        timer.unref();
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  };

  return {
    start() {
      if (loop) return;
      stopped = false;
      // The loop outlives whichever request started the service: it must not run in a request's context.
      loop = requestContext.exit(() => run());
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
      loop = undefined;
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    relayOnce,
    prune,
  };
}
