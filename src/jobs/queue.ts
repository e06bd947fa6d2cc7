import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import type { AnyJob, JobDeps, JobPayloadOf } from './define.js';
import type { JobMetrics } from './metrics.js';

export interface EnqueueOptions {
  /** Redis only: at most one job with this id is added per `ttlMs` (later adds are dropped). */
  dedupe?: { id: string; ttlMs: number };
}

/** Producers' side of the jobs: typed by the job list, payload checked before anything is queued. */
export interface JobQueue<D extends AnyJob = AnyJob> {
  readonly kind: 'redis' | 'memory';
  /**
   * Queues a job and resolves with its id (null when dropped by `dedupe`, or in memory with no runtime
   * running). Throws JobPayloadError for a payload the job's schema refuses, before queueing anything.
   */
  enqueue<N extends D['name']>(
    name: N,
    payload: JobPayloadOf<D, N>,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  /** Jobs per queue and state, for `job_queue_depth`. */
  depths(): Promise<{ job: string; state: string; count: number }[]>;
  close(): Promise<void>;
}

/** What a runtime needs besides its queue: the jobs' dependencies, where to count and to report. */
export interface RuntimeDeps extends JobDeps {
  metrics: JobMetrics;
  errors: ErrorReporter;
}

export interface JobRuntime {
  /** Stops taking jobs and waits up to `timeoutMs` for those in flight; past it they are abandoned. */
  stop(timeoutMs: number): Promise<void>;
}

export function definitionOf<D extends AnyJob>(definitions: readonly D[], name: string): D {
  const definition = definitions.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`unknown job: ${name}`);
  return definition;
}

/** Runs one attempt of a job, timed and counted. Rethrows the handler's error. */
export async function runAttempt(
  deps: RuntimeDeps,
  definition: AnyJob,
  payload: unknown,
  run: { id: string; attempt: number },
): Promise<unknown> {
  const end = deps.metrics.duration.startTimer({ job: definition.name });
  try {
    const result = await definition.handler(deps, definition.payload.parse(payload), run);
    deps.metrics.outcomes.inc({ job: definition.name, outcome: 'completed' });
    return result;
  } catch (error) {
    deps.metrics.outcomes.inc({ job: definition.name, outcome: 'failed' });
    deps.log.warn(
      {
        err: error,
        job: definition.name,
        jobId: run.id,
        attempt: run.attempt,
        attempts: definition.attempts,
      },
      `job ${definition.name} attempt ${run.attempt} failed`,
    );
    throw error;
  } finally {
    end();
  }
}
