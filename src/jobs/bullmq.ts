import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { activeTracer } from '../lib/telemetry/tracer.js';
import { recordDeadLetter } from './dead-letter.js';
import { type AnyJob, JobPayloadError, parsePayload } from './define.js';
import { definitionOf, type JobQueue, type JobRuntime, type RuntimeDeps, runAttempt } from './queue.js';

export interface RedisJobQueueOptions {
  url: string;
  /** Key prefix of every queue: `jobs` in production, one per test. */
  prefix: string;
  log: Logger;
  /** Jobs kept in each queue's failed set (age-bounded too: 14 days). */
  failedRetention: number;
}

export interface RedisJobQueue<D extends AnyJob> extends JobQueue<D> {
  readonly options: RedisJobQueueOptions;
  queueOf(name: string): Queue;
}

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** The job options a definition implies: its attempts, exponential backoff, bounded retention. */
export function jobOptions(definition: AnyJob, failedRetention: number) {
  return {
    attempts: definition.attempts,
    backoff: { type: 'exponential', delay: definition.backoffMs },
    removeOnComplete: { count: 100, age: 86_400 },
    removeOnFail: { count: failedRetention, age: 14 * 86_400 },
  };
}

/**
 * BullMQ queues on Redis, one per job (named after it), opened on first use. Producers in the API and the
 * worker's schedules go through here.
 */
export function createRedisJobQueue<D extends AnyJob>(
  definitions: readonly D[],
  options: RedisJobQueueOptions,
): RedisJobQueue<D> {
  let connection: Redis | undefined;
  const queues = new Map<string, Queue>();
  const queueOf = (name: string) => {
    let queue = queues.get(name);
    if (!queue) {
      if (!connection) {
        connection = new Redis(options.url, { maxRetriesPerRequest: null });
        connection.on('error', (error) => options.log.warn({ err: error }, 'job queue connection error'));
      }
      queue = new Queue(name, { connection, prefix: options.prefix, ...jobTelemetry() });
      queue.on('error', (error) => options.log.warn({ err: error, job: name }, 'job queue error'));
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    kind: 'redis',
    options,
    queueOf,
    async enqueue(name, payload, enqueueOptions = {}) {
      const definition = definitionOf(definitions, name);
      const data = parsePayload(definition, payload);
      const job = await queueOf(name).add(name, data, {
        ...jobOptions(definition, options.failedRetention),
        ...(enqueueOptions.dedupe && {
          deduplication: { id: enqueueOptions.dedupe.id, ttl: enqueueOptions.dedupe.ttlMs },
        }),
      });
      return job.id ?? null;
    },
    async depths() {
      const rows: { job: string; state: string; count: number }[] = [];
      for (const definition of definitions) {
        const counts = await queueOf(definition.name).getJobCounts(...DEPTH_STATES);
        for (const state of DEPTH_STATES)
          rows.push({ job: definition.name, state, count: counts[state] ?? 0 });
      }
      return rows;
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
      queues.clear();
      await connection?.quit().catch(() => connection?.disconnect());
      connection = undefined;
    },
  };
}

/**
 * The BullMQ runtime: a worker per queue, and each schedule registered as a job scheduler under the job's
 * name, so however many workers run, Redis holds one scheduler per job and each tick is one job that one
 * worker takes. A job whose payload fails its schema is not retried. A job that fails its last attempt
 * stays in the failed set (bounded) and is recorded as a dead letter.
 */
export async function startRedisRuntime<D extends AnyJob>(
  definitions: readonly D[],
  deps: RuntimeDeps,
  queue: RedisJobQueue<D>,
  options: { concurrency: number },
): Promise<JobRuntime> {
  const workers: Worker[] = [];
  // Passed in, so BullMQ does not close them: stop() does.
  const connections: Redis[] = [];
  const recordings = new Set<Promise<void>>();
  const { url, prefix } = queue.options;
  deps.metrics.depthSource.read = () => queue.depths();

  for (const definition of definitions) {
    const everyMs = definition.schedule?.(deps.env) ?? 0;
    const scheduled = queue.queueOf(definition.name);
    if (everyMs > 0)
      await scheduled.upsertJobScheduler(
        definition.name,
        { every: everyMs },
        { name: definition.name, data: {}, opts: jobOptions(definition, queue.options.failedRetention) },
      );
    else await scheduled.removeJobScheduler(definition.name);

    const worker = new Worker(
      definition.name,
      async (job: Job) => {
        let payload: unknown;
        try {
          payload = parsePayload(definition, job.data);
        } catch (error) {
          if (error instanceof JobPayloadError) throw new UnrecoverableError(error.message);
          throw error;
        }
        return runAttempt(deps, definition, payload, {
          id: job.id ?? '',
          attempt: job.attemptsMade + 1,
          dueAt: job.timestamp + (job.delay ?? 0),
        });
      },
      {
        connection: connectionFor(url, connections, deps),
        prefix,
        concurrency: options.concurrency,
        ...jobTelemetry(),
      },
    );
    worker.on('error', (error) => deps.log.warn({ err: error, job: definition.name }, 'job worker error'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade < attempts && error.name !== 'UnrecoverableError') return;
      const recording = recordDeadLetter(deps, {
        jobName: definition.name,
        jobId: job.id ?? '',
        payload: job.data,
        error,
        attempts: job.attemptsMade,
      });
      recordings.add(recording);
      void recording.finally(() => recordings.delete(recording));
    });
    workers.push(worker);
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  return {
    async stop(timeoutMs) {
      // close() stops taking jobs and waits for the active ones; past the deadline they are abandoned and
      // BullMQ's stalled-job check hands them to another worker.
      let timeout: NodeJS.Timeout | undefined;
      const graceful = Promise.allSettled(workers.map((worker) => worker.close()));
      const deadline = new Promise<'late'>((resolve) => {
        timeout = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([graceful, deadline])) === 'late') {
        deps.log.warn('jobs still running at the shutdown deadline: abandoned');
        await Promise.allSettled(workers.map((worker) => worker.close(true)));
      }
      clearTimeout(timeout);
      await Promise.allSettled([...recordings]);
      await Promise.allSettled(workers.map((worker) => worker.disconnect()));
      await Promise.allSettled(connections.map((connection) => connection.quit()));
    },
  };
}

/**
 * While tracing runs, BullMQ's own OpenTelemetry integration: an `add` span where a job is queued, whose
 * context travels in the job to the worker's `process` span, so a job is traced under the request that
 * queued it.
 */
function jobTelemetry(): { telemetry?: BullMQOtel } {
  if (!activeTracer()) return {};
  telemetry ??= new BullMQOtel({ tracerName: 'bullmq' });
  return { telemetry };
}

/** One per process: it holds only the tracer and context manager, which every queue and worker share. */
let telemetry: BullMQOtel | undefined;

function connectionFor(url: string, connections: Redis[], deps: RuntimeDeps): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', (error) => deps.log.warn({ err: error }, 'job worker connection error'));
  connections.push(connection);
  return connection;
}
