import type { Registry } from 'prom-client';
import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import type { RedisJobQueue } from './bullmq.js';
import { startRedisRuntime } from './bullmq.js';
import type { AnyJob, JobDeps } from './define.js';
import type { MemoryJobQueue } from './memory.js';
import { startMemoryRuntime } from './memory.js';
import { jobMetrics } from './metrics.js';
import type { JobQueue, JobRuntime } from './queue.js';

/**
 * Starts running the jobs queued on `queue`, and their schedules: BullMQ workers when the queue is on
 * Redis, timers in this process when it is in memory. The same definitions run either way.
 */
export function startJobRuntime<D extends AnyJob>(
  definitions: readonly D[],
  deps: JobDeps & { registry: Registry; errors: ErrorReporter },
  queue: JobQueue<D>,
): Promise<JobRuntime> {
  const runtimeDeps = {
    ...deps,
    log: deps.log.child({ component: 'jobs' }),
    metrics: jobMetrics(deps.registry),
  };
  runtimeDeps.log.info(
    { queue: queue.kind, jobs: definitions.map((definition) => definition.name) },
    'jobs running in this process',
  );
  if (queue.kind === 'redis')
    return startRedisRuntime(definitions, runtimeDeps, queue as RedisJobQueue<D>, {
      concurrency: deps.env.WORKER_CONCURRENCY,
    });
  return Promise.resolve(startMemoryRuntime(definitions, runtimeDeps, queue as MemoryJobQueue<D>));
}
