import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type JobDeadLetter, jobDeadLetters } from '../db/schema/index.js';
import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import type { Logger } from '../lib/logger.js';
import type { JobMetrics } from './metrics.js';

export interface DeadLetter {
  jobName: string;
  jobId: string;
  payload: unknown;
  /** What the last attempt threw. */
  error: unknown;
  attempts: number;
}

/**
 * Records a job that used up its attempts: a row in job_dead_letters, an error log line with the job id,
 * a report of the last error (job name and id, never the payload), and
 * `jobs_total{outcome="dead_lettered"}`. A failure to write the row is logged, never thrown (the runtime's
 * own failed set still holds the job).
 */
export async function recordDeadLetter(
  deps: { db: Db; log: Logger; errors: ErrorReporter; metrics: JobMetrics },
  letter: DeadLetter,
): Promise<void> {
  const error = letter.error instanceof Error ? letter.error.message : String(letter.error);
  deps.metrics.outcomes.inc({ job: letter.jobName, outcome: 'dead_lettered' });
  deps.log.error(
    {
      evt: 'job_dead_lettered',
      job: letter.jobName,
      jobId: letter.jobId,
      attempts: letter.attempts,
      error,
    },
    `job ${letter.jobName} dead-lettered after ${letter.attempts} attempts`,
  );
  deps.errors.report(letter.error, { job: letter.jobName, jobId: letter.jobId });
  try {
    await deps.db.insert(jobDeadLetters).values({
      jobName: letter.jobName,
      jobId: letter.jobId,
      payload: letter.payload ?? null,
      error: error.slice(0, 2_000),
      attempts: letter.attempts,
    });
  } catch (error) {
    deps.log.warn({ err: error, jobId: letter.jobId }, 'dead letter not recorded in job_dead_letters');
  }
}

/** The latest dead letters of one job, newest first. */
export function listDeadLetters(db: Db, jobName: string, limit = 50): Promise<JobDeadLetter[]> {
  return db
    .select()
    .from(jobDeadLetters)
    .where(eq(jobDeadLetters.jobName, jobName))
    .orderBy(desc(jobDeadLetters.failedAt))
    .limit(limit);
}
