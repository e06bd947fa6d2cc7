import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, unique, usingRedis } from '../../../test/harness.js';
import { type ClientLogLevel, clientLogs } from '../../db/schema/index.js';
import { pruneClientLogs } from './prune.js';
import { createClientLogPruner } from './pruner.js';
import { insertClientLogs } from './repo.js';

const DAY_MS = 86_400_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Inserts one row per [level, age in days] of a category of its own; answers the category. */
async function seed(now: Date, entries: [ClientLogLevel, number][]): Promise<string> {
  const category = unique('prune');
  await insertClientLogs(
    t.deps.db,
    entries.map(([level, ageDays], index) => ({
      ts: now,
      level,
      category,
      event: `${level}-${ageDays}-${index}`,
      message: 'm',
      requestId: 'r',
      receivedAt: new Date(now.getTime() - ageDays * DAY_MS),
    })),
  );
  return category;
}

const remaining = async (category: string) =>
  (
    await t.deps.db
      .select({ event: clientLogs.event })
      .from(clientLogs)
      .where(inArray(clientLogs.category, [category]))
  )
    .map((row) => row.event)
    .sort();

describe('pruneClientLogs', () => {
  it("deletes only rows older than their level's retention, counted from receipt", async () => {
    const now = new Date();
    // Defaults: trace 1, debug 7, info and notice 30, warn, error, fatal and security 90 days.
    const category = await seed(now, [
      ['trace', 2],
      ['trace', 0.5],
      ['debug', 8],
      ['debug', 6],
      ['info', 31],
      ['notice', 29],
      ['error', 91],
      ['error', 89],
      ['security', 91],
      ['security', 60],
    ]);
    const result = await pruneClientLogs(t.deps, now, { leaseKey: unique('lease') });
    expect(result.ran).toBe(true);
    expect(await remaining(category)).toEqual(
      ['debug-6-3', 'error-89-7', 'notice-29-5', 'security-60-9', 'trace-0.5-1'].sort(),
    );
    expect(result.deleted).toMatchObject({ trace: 1, debug: 1, info: 1, error: 1, security: 1 });
  });

  it('follows the configured retention', async () => {
    const now = new Date();
    const category = await seed(now, [
      ['debug', 4],
      ['debug', 2],
      ['warn', 100],
    ]);
    const env = {
      ...t.deps.env,
      CLIENT_LOG_RETENTION_DAYS: { ...t.deps.env.CLIENT_LOG_RETENTION_DAYS, debug: 3, warn: 365 },
    };
    await pruneClientLogs({ ...t.deps, env }, now, { leaseKey: unique('lease') });
    expect(await remaining(category)).toEqual(['debug-2-1', 'warn-100-2']);
  });

  it('deletes in statements of at most batchSize rows, and leaves the rest past maxBatchesPerLevel', async () => {
    const now = new Date();
    const category = await seed(
      now,
      Array.from({ length: 5 }, () => ['fatal', 120] as [ClientLogLevel, number]),
    );
    const first = await pruneClientLogs(t.deps, now, {
      leaseKey: unique('lease'),
      batchSize: 2,
      maxBatchesPerLevel: 2,
    });
    expect(first.deleted.fatal).toBe(4);
    // Two full statements for fatal; one (short) statement for each of the seven other levels.
    expect(first.batches).toBe(2 + 7);
    expect(await remaining(category)).toHaveLength(1);

    const second = await pruneClientLogs(t.deps, now, { leaseKey: unique('lease'), batchSize: 2 });
    expect(second.deleted.fatal).toBe(1);
    expect(await remaining(category)).toEqual([]);
  });

  it('runs once per period: a second pruner on the same lease deletes nothing', async () => {
    const now = new Date();
    const category = await seed(now, [['trace', 3]]);
    const leaseKey = unique('lease');
    const others: TestApp[] = usingRedis() ? [await createTestApp()] : [];
    try {
      // Two pruners at once (and, with Redis, one on another instance's store): one takes the lease.
      const results = await Promise.all([
        pruneClientLogs(t.deps, now, { leaseKey, periodMs: 3_600_000 }),
        pruneClientLogs(t.deps, now, { leaseKey, periodMs: 3_600_000 }),
        ...others.map((other) => pruneClientLogs(other.deps, now, { leaseKey, periodMs: 3_600_000 })),
      ]);
      expect(results.map((result) => result.ran).filter(Boolean)).toHaveLength(1);
      expect(results.find((result) => !result.ran)?.deleted.trace).toBe(0);
      expect(await remaining(category)).toEqual([]);

      // Until the period ends the lease holds; the next period's is free again.
      const periodMs = 3_600_000;
      const periodStart = Math.floor(now.getTime() / periodMs) * periodMs;
      const lastMoment = new Date(periodStart + periodMs - 1);
      expect((await pruneClientLogs(t.deps, lastMoment, { leaseKey, periodMs })).ran).toBe(false);
      const nextPeriod = new Date(periodStart + periodMs);
      expect((await pruneClientLogs(t.deps, nextPeriod, { leaseKey, periodMs })).ran).toBe(true);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });
});

describe('createClientLogPruner', () => {
  it('prunes on its schedule until stopped', async () => {
    const now = new Date();
    const category = await seed(now, [['trace', 2]]);
    const pruner = createClientLogPruner(t.deps, { intervalMs: 50, leaseKey: unique('lease') });
    pruner.start();
    pruner.start();
    try {
      const deadline = Date.now() + 5_000;
      while ((await remaining(category)).length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await remaining(category)).toEqual([]);
    } finally {
      await pruner.stop();
    }
    // Stopped: a row past its retention stays.
    const after = await seed(new Date(), [['trace', 2]]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await remaining(after)).toHaveLength(1);
  });

  it('does nothing with an interval of 0', async () => {
    const category = await seed(new Date(), [['trace', 2]]);
    const pruner = createClientLogPruner(t.deps, { intervalMs: 0, leaseKey: unique('lease') });
    pruner.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pruner.stop();
    expect(await remaining(category)).toHaveLength(1);
  });
});
