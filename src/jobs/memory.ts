import { context, type Context as OtelContext, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { inSpan } from '../lib/telemetry/tracer.js';
import { recordDeadLetter } from './dead-letter.js';
import { type AnyJob, backoffDelay, parsePayload } from './define.js';
import { definitionOf, type JobQueue, type JobRuntime, type RuntimeDeps, runAttempt } from './queue.js';

type Runner = (name: string, payload: unknown, queuedIn: OtelContext) => string;

/** The in-process queue of embedded mode: jobs run in this process, when a runtime is attached. */
export interface MemoryJobQueue<D extends AnyJob> extends JobQueue<D> {
  attach(runner: Runner | null): void;
}

export function createMemoryJobQueue<D extends AnyJob>(definitions: readonly D[]): MemoryJobQueue<D> {
  let runner: Runner | null = null;
  return {
    kind: 'memory',
    async enqueue(name, payload) {
      const parsed = parsePayload(definitionOf(definitions, name), payload);
      if (!runner) return null;
      const run = runner;
      // The producer's span, whose context the job runs in: traced as BullMQ's telemetry does on Redis.
      return inSpan(`add ${name}`, { kind: SpanKind.PRODUCER }, async () =>
        run(name, parsed, context.active()),
      );
    },
    attach(next) {
      runner = next;
    },
    // The runtime reports its own depth (jobs in flight and retries waiting), see startMemoryRuntime.
    async depths() {
      return [];
    },
    async close() {
      runner = null;
    },
  };
}

/**
 * Embedded mode's runtime: the same job definitions on timers in this process. Each job is tried
 * `attempts` times with exponential backoff, then dead-lettered. A schedule's tick takes a lease in the
 * key-value store (as the client log pruner does), so should two processes share a store, one runs it.
 */
export function startMemoryRuntime<D extends AnyJob>(
  definitions: readonly D[],
  deps: RuntimeDeps,
  queue: MemoryJobQueue<D>,
): JobRuntime {
  let stopped = false;
  let sequence = 0;
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const runningScheduled = new Set<string>();

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const attempt = (
    definition: AnyJob,
    payload: unknown,
    job: { id: string; dueAt: number; queuedIn: OtelContext },
    n: number,
    onDone?: () => void,
  ) => {
    if (stopped) return onDone?.();
    const { id, dueAt, queuedIn } = job;
    const promise = context
      .with(queuedIn, () => runAttempt(deps, definition, payload, { id, attempt: n, dueAt }))
      .then(
        () => onDone?.(),
        async (error: unknown) => {
          if (n < definition.attempts && !stopped) {
            later(backoffDelay(definition, n), () => attempt(definition, payload, job, n + 1, onDone));
            return;
          }
          if (n >= definition.attempts)
            await recordDeadLetter(deps, {
              jobName: definition.name,
              jobId: id,
              payload,
              error,
              attempts: n,
            });
          onDone?.();
        },
      );
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise));
  };

  queue.attach((name, payload, queuedIn) => {
    const id = `memory:${++sequence}`;
    attempt(definitionOf(definitions, name), payload, { id, dueAt: Date.now(), queuedIn }, 1);
    return id;
  });
  deps.metrics.depthSource.read = async () => [
    { job: 'all', state: 'active', count: inFlight.size },
    { job: 'all', state: 'delayed', count: timers.size },
  ];

  const intervals: NodeJS.Timeout[] = [];
  for (const definition of definitions) {
    const everyMs = definition.schedule?.(deps.env) ?? 0;
    if (!everyMs) continue;
    const tick = async () => {
      if (stopped || runningScheduled.has(definition.name)) return;
      const now = deps.clock();
      const lease = `jobs:schedule:${definition.name}:${Math.floor(now.getTime() / everyMs)}`;
      runningScheduled.add(definition.name);
      try {
        if (!(await deps.kv.setIfAbsent(lease, now.toISOString(), everyMs)))
          return runningScheduled.delete(definition.name);
      } catch (error) {
        deps.log.warn({ err: error, job: definition.name }, 'schedule lease unavailable; next tick retries');
        return runningScheduled.delete(definition.name);
      }
      const job = {
        id: `memory:${definition.name}:${++sequence}`,
        dueAt: now.getTime(),
        queuedIn: ROOT_CONTEXT,
      };
      attempt(definition, {}, job, 1, () => runningScheduled.delete(definition.name));
    };
    const interval = setInterval(() => void tick(), everyMs);
    interval.unref();
    intervals.push(interval);
  }

  return {
    async stop(timeoutMs) {
      stopped = true;
      queue.attach(null);
      for (const interval of intervals) clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      let timeout: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(timeout);
      if (inFlight.size > 0) deps.log.warn({ jobs: inFlight.size }, 'jobs abandoned at shutdown');
    },
  };
}
