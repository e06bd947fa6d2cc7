import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from '../../db/client.js';
import { driverErrorOf } from '../../db/errors.js';
import { type BatchWriter, createBatchWriter } from '../../lib/batch-writer.js';
import * as repo from './repo.js';

/** Group commit of analytics events (lib/batch-writer.ts): a resolved `add` is a committed row. */
export type EventWriter = BatchWriter<repo.EventRow>;

export interface EventWriterOptions {
  maxBatch: number;
  maxWaitMs: number;
  maxPending: number;
  concurrency: number;
}

/**
 * The process's event writer: batches become one INSERT each (autocommit, so a batch is durable when the
 * statement returns), counted in `/metrics`. A batch that fails on a data error (SQLSTATE class 22 or 23,
 * such as the foreign key of an account deleted meanwhile) is split so only the offending rows fail.
 */
export function createEventWriter(deps: { db: Db; registry: Registry }, options: EventWriterOptions) {
  const registers = [deps.registry];
  const batches = new Counter({
    name: 'analytics_event_batches_total',
    help: 'INSERT statements of analytics events, by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const rows = new Counter({
    name: 'analytics_events_written_total',
    help: 'Analytics events committed',
    registers,
  });
  const batchSize = new Histogram({
    name: 'analytics_event_batch_rows',
    help: 'Rows per INSERT of analytics events',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500],
    registers,
  });
  const batchSeconds = new Histogram({
    name: 'analytics_event_batch_duration_seconds',
    help: 'Duration of one INSERT of analytics events',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const refused = new Counter({
    name: 'analytics_events_refused_total',
    help: 'Analytics events refused with 503: queue full, or shutting down',
    labelNames: ['reason'],
    registers,
  });
  for (const outcome of ['written', 'failed']) batches.inc({ outcome }, 0);
  for (const reason of ['full', 'stopped']) refused.inc({ reason }, 0);

  const writer: EventWriter = createBatchWriter<repo.EventRow>({
    ...options,
    write: (batch) => repo.insertEvents(deps.db, batch),
    isItemError: (error) => /^2[23]/.test(driverErrorOf(error)?.code ?? ''),
    onBatch(size, outcome, seconds) {
      batches.inc({ outcome });
      batchSeconds.observe(seconds);
      if (outcome === 'written') {
        rows.inc(size);
        batchSize.observe(size);
      }
    },
    onRefused: (reason) => refused.inc({ reason }),
  });
  new Gauge({
    name: 'analytics_event_queue_rows',
    help: 'Analytics events accepted and not yet committed',
    registers,
    collect() {
      this.set(writer.pending);
    },
  });
  return writer;
}
