import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type BatchWriterOptions, createBatchWriter } from './batch-writer.js';
import { AppError } from './errors.js';

/** A write whose calls are recorded and which ends only when the test says so (or at once). */
function recordingWrite(options: { hold?: boolean; fails?: (items: number[]) => unknown } = {}) {
  const batches: number[][] = [];
  const held: (() => void)[] = [];
  const write = (items: number[]) => {
    batches.push(items);
    const failure = options.fails?.(items);
    if (failure) return Promise.reject(failure);
    if (!options.hold) return Promise.resolve();
    return new Promise<void>((resolve) => held.push(resolve));
  };
  const releaseAll = () => {
    for (const release of held.splice(0)) release();
  };
  return { write, batches, held, releaseAll };
}

const defaults = { maxBatch: 500, maxWaitMs: 5, maxPending: 10_000, concurrency: 2 };
const writer = (
  write: BatchWriterOptions<number>['write'],
  options: Partial<BatchWriterOptions<number>> = {},
) => createBatchWriter<number>({ ...defaults, write, ...options });

const range = (n: number) => Array.from({ length: n }, (_, index) => index);

describe('createBatchWriter', () => {
  it('writes concurrent items in one batch and answers each caller after it', async () => {
    const recorded = recordingWrite({ hold: true });
    const w = writer(recorded.write, { maxWaitMs: 20 });
    const answered: number[] = [];
    const adds = range(100).map((n) => w.add(n).then(() => answered.push(n)));
    await expect.poll(() => recorded.batches.length).toBe(1);
    expect(recorded.batches[0]).toEqual(range(100));
    await sleep(20);
    expect(answered).toEqual([]);
    expect(w.pending).toBe(100);
    recorded.releaseAll();
    await Promise.all(adds);
    expect(answered).toHaveLength(100);
    expect(w.pending).toBe(0);
  });

  it('writes a full batch at once without waiting, and never more than maxBatch items in one', async () => {
    const recorded = recordingWrite();
    const w = writer(recorded.write, { maxBatch: 10, maxWaitMs: 60_000, concurrency: 4 });
    const started = performance.now();
    await Promise.all(range(250).map((n) => w.add(n)));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(recorded.batches).toHaveLength(25);
    expect(recorded.batches.every((batch) => batch.length === 10)).toBe(true);
    expect(recorded.batches.flat()).toEqual(range(250));
  });

  it('writes a partial batch once its oldest item has waited maxWaitMs', async () => {
    const recorded = recordingWrite();
    const w = writer(recorded.write, { maxWaitMs: 80 });
    const started = performance.now();
    const add = w.add(1);
    await sleep(20);
    expect(recorded.batches).toEqual([]);
    const second = w.add(2);
    await Promise.all([add, second]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(recorded.batches).toEqual([[1, 2]]);
  });

  it('keeps at most `concurrency` writes under way; the next batch fills meanwhile', async () => {
    const recorded = recordingWrite({ hold: true });
    const w = writer(recorded.write, { maxBatch: 2, concurrency: 1 });
    const adds = range(6).map((n) => w.add(n));
    await expect.poll(() => recorded.batches.length).toBe(1);
    await sleep(20);
    expect(recorded.batches).toEqual([[0, 1]]);
    recorded.releaseAll();
    await expect.poll(() => recorded.batches.length).toBe(2);
    recorded.releaseAll();
    await expect.poll(() => recorded.batches.length).toBe(3);
    recorded.releaseAll();
    await Promise.all(adds);
    expect(recorded.batches).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('fails every caller of a batch that failed as a whole', async () => {
    const down = new Error('connection refused');
    const recorded = recordingWrite({ fails: () => down });
    const w = writer(recorded.write, { isItemError: () => false });
    const results = await Promise.allSettled(range(5).map((n) => w.add(n)));
    expect(results.every((result) => result.status === 'rejected' && result.reason === down)).toBe(true);
    expect(recorded.batches).toHaveLength(1);
  });

  it('splits a batch that one item broke, so only that caller sees the error', async () => {
    const refused = new Error('check violation');
    const recorded = recordingWrite({ fails: (items) => (items.includes(13) ? refused : undefined) });
    const w = writer(recorded.write, { isItemError: (error) => error === refused, maxWaitMs: 20 });
    const results = await Promise.allSettled(range(32).map((n) => w.add(n)));
    const rejected = results.flatMap((result, n) => (result.status === 'rejected' ? [n] : []));
    expect(rejected).toEqual([13]);
    // The full batch, then halves down to the culprit: 1 + 2 per level of a 32-item batch's bisection.
    expect(recorded.batches).toHaveLength(1 + 2 * 5);
    expect(
      recorded.batches
        .filter((batch) => !batch.includes(13))
        .flat()
        .sort((a, b) => a - b),
    ).toEqual(range(32).filter((n) => n !== 13));
  });

  it('refuses with 503 and a Retry-After once maxPending items wait, and accepts again after', async () => {
    const recorded = recordingWrite({ hold: true });
    const refusals: string[] = [];
    const w = writer(recorded.write, { maxPending: 3, onRefused: (reason) => refusals.push(reason) });
    const accepted = range(3).map((n) => w.add(n));
    const refused = w.add(3);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(refusals).toEqual(['full']);
    await expect.poll(() => recorded.batches.length).toBe(1);
    recorded.releaseAll();
    await Promise.all(accepted);
    const later = w.add(4);
    await expect.poll(() => recorded.held.length).toBe(1);
    recorded.releaseAll();
    await later;
    expect(recorded.batches.flat()).toEqual([0, 1, 2, 4]);
  });

  it('on stop writes what it holds at once, waits for it, then refuses new items', async () => {
    const recorded = recordingWrite({ hold: true });
    const refusals: string[] = [];
    const w = writer(recorded.write, {
      maxWaitMs: 60_000,
      concurrency: 1,
      maxBatch: 3,
      onRefused: (reason) => refusals.push(reason),
    });
    const adds = range(5).map((n) => w.add(n));
    await expect.poll(() => recorded.batches.length).toBe(1);
    let stopped = false;
    const stopping = w.stop().then(() => {
      stopped = true;
    });
    await expect(w.add(99)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(refusals).toEqual(['stopped']);
    recorded.releaseAll();
    await expect.poll(() => recorded.batches.length).toBe(2);
    expect(stopped).toBe(false);
    recorded.releaseAll();
    await stopping;
    await Promise.all(adds);
    expect(recorded.batches).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it('stops at once when it holds nothing, and reports each batch to onBatch', async () => {
    const sizes: [number, string][] = [];
    const w = writer(() => Promise.resolve(), { onBatch: (size, outcome) => sizes.push([size, outcome]) });
    await Promise.all(range(3).map((n) => w.add(n)));
    await w.stop();
    await w.stop();
    expect(sizes).toEqual([[3, 'written']]);
  });
});
