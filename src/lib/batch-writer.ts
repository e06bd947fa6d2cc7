import { AppError } from './errors.js';

/** How one batch ended, for metrics. */
export type BatchOutcome = 'written' | 'failed';

export interface BatchWriterOptions<T> {
  /** Writes one batch and resolves once it is durable (committed); rejects if none of it was written. */
  write(items: T[]): Promise<void>;
  /** Largest batch; a full batch is written at once. */
  maxBatch: number;
  /** How long the first item of a batch waits for others before the batch is written anyway. */
  maxWaitMs: number;
  /** Items accepted and not yet written (waiting or being written); past it `add` refuses with 503. */
  maxPending: number;
  /** Batches being written at once; the next batch forms meanwhile. */
  concurrency: number;
  /**
   * Whether a failed batch may have failed because of some of its items only (a constraint one row
   * broke): the batch is then split in halves and each retried, so only the culprits' callers see the
   * error. Other failures (the database is down) fail the whole batch at once.
   */
  isItemError?(error: unknown): boolean;
  /** Called after every batch write, for metrics. */
  onBatch?(size: number, outcome: BatchOutcome, seconds: number): void;
  /** Called when `add` refuses an item. */
  onRefused?(reason: 'full' | 'stopped'): void;
}

export interface BatchWriter<T> {
  /**
   * Queues an item and resolves once the batch holding it is written, so a resolved `add` is a durable
   * item. Rejects with the write's error, or with SERVICE_UNAVAILABLE (and a Retry-After) when the queue
   * is full or the writer is stopping.
   */
  add(item: T): Promise<void>;
  /** Items accepted and not yet written. */
  readonly pending: number;
  /** Refuses new items, writes every accepted one, and resolves when the last write has ended. */
  stop(): Promise<void>;
}

interface Entry<T> {
  item: T;
  /** `performance.now()` when it was queued. */
  queuedAt: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: concurrent callers' items share one write (a multi-row INSERT), and each caller is
 * answered only when the write holding its item has ended. A batch is written when it is full or when its
 * oldest item has waited `maxWaitMs`, whichever comes first; while `concurrency` writes are under way the
 * next batch keeps filling and goes as soon as one ends. Memory is bounded by `maxPending`.
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>): BatchWriter<T> {
  const queue: Entry<T>[] = [];
  let writing = 0;
  let inFlightItems = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let whenIdle: (() => void)[] = [];

  /** Starts every batch that is due and has a free slot; otherwise waits for the oldest item's deadline. */
  const pump = () => {
    while (queue.length > 0 && writing < options.concurrency) {
      const dueAt = queue[0]!.queuedAt + options.maxWaitMs;
      if (!stopped && queue.length < options.maxBatch && performance.now() < dueAt) {
        // A timer armed for an item already written fires early: it only pumps again and re-arms.
        timer ??= setTimeout(
          () => {
            timer = undefined;
            pump();
          },
          Math.max(0, dueAt - performance.now()),
        );
        break;
      }
      void writeBatch(queue.splice(0, options.maxBatch));
    }
    if (queue.length === 0 && writing === 0) {
      clearTimeout(timer);
      timer = undefined;
      for (const resolve of whenIdle) resolve();
      whenIdle = [];
    }
  };

  const writeBatch = async (batch: Entry<T>[]) => {
    writing++;
    inFlightItems += batch.length;
    try {
      await writeOrSplit(batch);
    } finally {
      writing--;
      inFlightItems -= batch.length;
      pump();
    }
  };

  const writeOrSplit = async (batch: Entry<T>[]): Promise<void> => {
    const started = performance.now();
    try {
      await options.write(batch.map((entry) => entry.item));
      options.onBatch?.(batch.length, 'written', (performance.now() - started) / 1000);
      for (const entry of batch) entry.resolve();
    } catch (error) {
      options.onBatch?.(batch.length, 'failed', (performance.now() - started) / 1000);
      if (batch.length > 1 && options.isItemError?.(error)) {
        const half = Math.ceil(batch.length / 2);
        await writeOrSplit(batch.slice(0, half));
        await writeOrSplit(batch.slice(half));
        return;
      }
      for (const entry of batch) entry.reject(error);
    }
  };

  return {
    add(item) {
      if (stopped) {
        options.onRefused?.('stopped');
        return Promise.reject(
          new AppError('SERVICE_UNAVAILABLE', 'The service is shutting down; try again shortly', {
            retryAfterSeconds: 1,
          }),
        );
      }
      if (queue.length + inFlightItems >= options.maxPending) {
        options.onRefused?.('full');
        return Promise.reject(
          new AppError('SERVICE_UNAVAILABLE', 'Too much is waiting to be written; try again shortly', {
            retryAfterSeconds: 1,
          }),
        );
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, queuedAt: performance.now(), resolve, reject });
        pump();
      });
    },
    get pending() {
      return queue.length + inFlightItems;
    },
    stop() {
      stopped = true;
      return new Promise<void>((resolve) => {
        whenIdle.push(resolve);
        pump();
      });
    },
  };
}
