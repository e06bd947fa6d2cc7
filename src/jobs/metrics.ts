import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const JOB_OUTCOMES = ['completed', 'failed', 'dead_lettered'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export interface JobMetrics {
  /** Attempts by outcome: `failed` counts every failed attempt, `dead_lettered` the last one. */
  outcomes: Counter<'job' | 'outcome'>;
  duration: Histogram<'job'>;
  /** From when a job was due (queued, or its delay over) to its first attempt's start. */
  wait: Histogram<'job'>;
  /** Jobs per queue and state, read from the queue when scraped. */
  depth: Gauge<'job' | 'state'>;
  /** Where the depth comes from: the running runtime's queue. */
  depthSource: { read: () => Promise<{ job: string; state: string; count: number }[]> };
}

const byRegistry = new WeakMap<Registry, JobMetrics>();

/**
 * The job metrics of a process, registered once per registry (the worker's, or the API's when jobs run
 * in-process). Labels are bounded: job names from the registry and a closed list of outcomes and states.
 */
export function jobMetrics(registry: Registry): JobMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const depthSource: JobMetrics['depthSource'] = { read: async () => [] };
  const metrics: JobMetrics = {
    outcomes: new Counter({
      name: 'jobs_total',
      help: 'Background job attempts by outcome (completed, failed, dead_lettered)',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'job_duration_seconds',
      help: 'Background job run time, per attempt',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    wait: new Histogram({
      name: 'job_wait_seconds',
      help: 'Time a job waited in its queue before its first attempt started',
      labelNames: ['job'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
    depth: new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['job', 'state'],
      registers: [registry],
      async collect() {
        const rows = await depthSource.read().catch(() => []);
        this.reset();
        for (const row of rows) this.set({ job: row.job, state: row.state }, row.count);
      },
    }),
    depthSource,
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
