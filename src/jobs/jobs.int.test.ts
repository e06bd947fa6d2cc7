import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp, unique, usingRedis } from '../../test/harness.js';
import { createRedisJobQueue } from './bullmq.js';
import { listDeadLetters } from './dead-letter.js';
import { type AnyJob, defineJob, JobPayloadError } from './define.js';
import { createMemoryJobQueue } from './memory.js';
import type { JobQueue, JobRuntime } from './queue.js';
import { startJobRuntime } from './runtime.js';

let t: TestApp;
let prefix: string;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  prefix = unique('jobs');
  t = await createTestApp({ jobsPrefix: prefix });
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await t.close();
});

/** A queue for these definitions: on the run's Redis under this file's prefix, else in memory. */
function queueFor<D extends AnyJob>(definitions: readonly D[], redis = usingRedis()): JobQueue<D> {
  const queue = redis
    ? createRedisJobQueue(definitions, {
        url: t.deps.env.REDIS_URL!,
        prefix,
        log: t.deps.log,
        failedRetention: 10,
      })
    : createMemoryJobQueue(definitions);
  cleanup.push(() => queue.close());
  return queue;
}

async function run<D extends AnyJob>(definitions: readonly D[], queue: JobQueue<D>): Promise<JobRuntime> {
  const runtime = await startJobRuntime(definitions, { ...t.deps, registry: t.deps.metrics.registry }, queue);
  cleanup.push(() => runtime.stop(1_000));
  return runtime;
}

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('enqueueJob', () => {
  it('refuses a payload its job does not accept, before queueing anything', async () => {
    await expect(t.deps.jobs.enqueue('analytics-rollup', { days: ['yesterday'] })).rejects.toThrow(
      JobPayloadError,
    );
    // @ts-expect-error: an unknown field is refused by the types and by the schema.
    await expect(t.deps.jobs.enqueue('leaderboard-reconcile', { force: true })).rejects.toThrow(
      /invalid payload for job leaderboard-reconcile/,
    );
    if (usingRedis()) {
      const depths = await t.deps.jobs.depths();
      const queued = depths.filter((row) => ['analytics-rollup', 'leaderboard-reconcile'].includes(row.job));
      expect(queued.every((row) => row.count === 0)).toBe(true);
    }
  });
});

describe('retries and dead letters', () => {
  it('retries a failing job with exponential backoff, then records it as a dead letter', async () => {
    const attempts: number[] = [];
    const name = unique('always-fails');
    const failing = defineJob({
      name,
      payload: z.strictObject({ lessonId: z.string() }),
      attempts: 3,
      backoffMs: 100,
      async handler() {
        attempts.push(Date.now());
        throw new Error('provider down');
      },
    });
    const queue = queueFor([failing]);
    await run([failing], queue);
    const jobId = await queue.enqueue(name, { lessonId: 'l-1' });
    expect(jobId).toBeTruthy();

    await until(async () => (await listDeadLetters(t.deps.db, name)).length > 0);
    expect(attempts).toHaveLength(3);
    // 100 ms, then 200 ms (a little early is BullMQ's timer granularity, never half).
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(90);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(190);
    const [letter] = await listDeadLetters(t.deps.db, name);
    expect(letter).toMatchObject({
      jobId,
      attempts: 3,
      error: 'provider down',
      payload: { lessonId: 'l-1' },
    });
    expect(t.logs.lines.some((line) => line.evt === 'job_dead_lettered' && line.jobId === jobId)).toBe(true);
    const metrics = await t.deps.metrics.registry.metrics();
    expect(metrics).toContain(`jobs_total{job="${name}",outcome="dead_lettered"} 1`);
    expect(metrics).toContain(`jobs_total{job="${name}",outcome="failed"} 3`);
    if (usingRedis()) {
      // Kept in BullMQ's failed set too.
      const rows = await queue.depths();
      expect(rows.find((row) => row.job === name && row.state === 'failed')?.count).toBe(1);
    }
  });

  it('a job that succeeds on its second attempt is not dead-lettered', async () => {
    let calls = 0;
    const name = unique('flaky');
    const flaky = defineJob({
      name,
      payload: z.strictObject({}),
      attempts: 3,
      backoffMs: 20,
      async handler() {
        calls++;
        if (calls === 1) throw new Error('once');
      },
    });
    const queue = queueFor([flaky]);
    await run([flaky], queue);
    await queue.enqueue(name, {});
    await until(() => calls === 2);
    await until(async () =>
      (await t.deps.metrics.registry.metrics()).includes(`jobs_total{job="${name}",outcome="completed"} 1`),
    );
    expect(await listDeadLetters(t.deps.db, name)).toEqual([]);
  });
});

describe('schedules', () => {
  it('embedded mode runs a scheduled job on timers in this process', async () => {
    const runs: string[] = [];
    const name = unique('ticking');
    const ticking = defineJob({
      name,
      payload: z.strictObject({}),
      attempts: 1,
      backoffMs: 10,
      schedule: () => 100,
      async handler(_deps, _payload, job) {
        runs.push(job.id);
      },
    });
    const queue = queueFor([ticking], false);
    const runtime = await run([ticking], queue);
    await until(() => runs.length >= 3, 5_000);
    await runtime.stop(1_000);
    const after = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(runs.length).toBe(after);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it.runIf(usingRedis())('two workers on one Redis run a scheduled job once per tick', async () => {
    const runs: { worker: string; id: string }[] = [];
    const name = unique('scheduled');
    const definitionFor = (worker: string) =>
      defineJob({
        name,
        payload: z.strictObject({}),
        attempts: 1,
        backoffMs: 10,
        schedule: () => 500,
        async handler(_deps, _payload, job) {
          runs.push({ worker, id: job.id });
          // Long enough that the other worker would take a duplicate if there were one.
          await new Promise((resolve) => setTimeout(resolve, 100));
        },
      });
    const a = definitionFor('a');
    const b = definitionFor('b');
    const started = Date.now();
    const runtimes = [await run([a], queueFor([a])), await run([b], queueFor([b]))];
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    await Promise.all(runtimes.map((runtime) => runtime.stop(1_000)));
    const ticks = Math.floor((Date.now() - started) / 500) + 1;
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(ticks);
    expect(new Set(runs.map((entry) => entry.id)).size).toBe(runs.length);
    const scheduler = createRedisJobQueue([a], {
      url: t.deps.env.REDIS_URL!,
      prefix,
      log: t.deps.log,
      failedRetention: 1,
    });
    cleanup.push(() => scheduler.close());
    const schedulers = await scheduler.queueOf(name).getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    await scheduler.queueOf(name).removeJobScheduler(name);
  });
});
