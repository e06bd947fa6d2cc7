import { SpanKind } from '@opentelemetry/api';
import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import { inSpan } from '../lib/telemetry/tracer.js';
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

/** One attempt: which job run it is, which attempt (1-based), and when the job was due to start. */
export interface AttemptRun {
  id: string;
  attempt: number;
  dueAt: number;
}

/**
 * Runs one attempt of a job, timed and counted, as a consumer span while tracing runs (under the
 * producer's span: BullMQ's telemetry or the memory queue carries its context). Rethrows the handler's
 * error.
 */
export function runAttempt(
  deps: RuntimeDeps,
  definition: AnyJob,
  payload: unknown,
  run: AttemptRun,
): Promise<unknown> {
  if (run.attempt === 1)
    deps.metrics.wait.observe({ job: definition.name }, Math.max(0, Date.now() - run.dueAt) / 1000);
  return inSpan(
    `job ${definition.name}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'job.name': definition.name, 'job.id': run.id, 'job.attempt': run.attempt },
    },
    () => attemptOnce(deps, definition, payload, run),
  );
}

async function attemptOnce(
  deps: RuntimeDeps,
  definition: AnyJob,
  payload: unknown,
  run: AttemptRun,
): Promise<unknown> {
  const end = deps.metrics.duration.startTimer({ job: definition.name });
  try {
    const result = await definition.handler(deps, definition.payload.parse(payload), {
      id: run.id,
      attempt: run.attempt,
    });
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
