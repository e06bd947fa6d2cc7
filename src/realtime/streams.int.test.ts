import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import {
  createMemoryEventStreams,
  createRedisEventStreams,
  type EventStreams,
  type StoredEvent,
  type StreamLimits,
} from './streams.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The streams of this run's store (Redis when the run has it, else in process), with these caps. */
const streamsWith = (limits: StreamLimits): EventStreams =>
  t.deps.store.redis ? createRedisEventStreams(t.deps.store.redis, limits) : createMemoryEventStreams(limits);

const events = (from: number, count: number): StoredEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    id: from + index,
    type: 'srs_due' as const,
    data: { due: from + index, localDate: '2026-11-30' },
    at: new Date().toISOString(),
  }));

describe('user event streams', () => {
  it('keep about EVENTS_STREAM_MAX_LENGTH entries, the newest', async () => {
    const streams = streamsWith({ maxLength: 50, maxAgeMs: 3_600_000 });
    const userId = randomUUID();
    for (let from = 1; from <= 1_000; from += 100) await streams.append(userId, events(from, 100));
    const kept = await streams.readAfter(userId, '0-0', 2_000);
    // Redis trims whole nodes (100 entries): at most one node more than the cap.
    expect(kept.length).toBeGreaterThanOrEqual(50);
    expect(kept.length).toBeLessThanOrEqual(150);
    expect(kept.at(-1)!.event.id).toBe(1_000);
    expect(kept.map((entry) => entry.event.id)).toEqual(
      Array.from({ length: kept.length }, (_, index) => 1_001 - kept.length + index),
    );
  });

  it('drop entries older than EVENTS_STREAM_MAX_AGE_HOURS', async () => {
    const streams = streamsWith({ maxLength: 1_000, maxAgeMs: 300 });
    const userId = randomUUID();
    await streams.append(userId, events(1, 3));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await streams.append(userId, events(4, 1));
    const kept = await streams.readAfter(userId, '0-0', 100);
    expect(kept.map((entry) => entry.event.id)).toEqual([4]);
  });

  it('append each outbox id once, and read after a cursor in append order', async () => {
    const streams = streamsWith({ maxLength: 1_000, maxAgeMs: 3_600_000 });
    const userId = randomUUID();
    await streams.append(userId, events(10, 2));
    await streams.append(userId, events(10, 2));
    // A row that committed late (a lower outbox id) still comes after the cursor.
    const [first] = await streams.readAfter(userId, '0-0', 1);
    await streams.append(userId, events(5, 1));
    const after = await streams.readAfter(userId, first!.id, 100);
    expect(after.map((entry) => entry.event.id)).toEqual([11, 5]);
    expect(await streams.lastId(userId)).toBe(after.at(-1)!.id);
    expect(await streams.lastId(randomUUID())).toBe('0-0');
  });
});
