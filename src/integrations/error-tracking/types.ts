import type { Env } from '../../config/env.js';
import type { Logger } from '../../lib/logger.js';

/** Where an unexpected error happened: names only, never a value from the request or the job. */
export interface ErrorOrigin {
  /** The tRPC procedure (`lessons.getAll`). */
  procedure?: string;
  /** How the procedure was called. */
  transport?: 'http' | 'ws';
  /** The route of a plain HTTP request, as metrics label it (`/api/stt/transcribe`, `unmatched`). */
  route?: string;
  /** The job that failed its last attempt, and its id. */
  job?: string;
  jobId?: string;
  /** Work outside requests and jobs (`store-repair`). */
  task?: string;
  /** The request's id where it is not in the request context (WebSocket calls). */
  requestId?: string;
}

/**
 * Sends unexpected errors (faults, not a client's mistakes) to an error tracker. Callers report what they
 * also log at error level: a 500, a job's final failure, a catch-all that swallowed a fault. Expected
 * errors (an AppError with a 4xx code, invalid input) are never reported.
 */
export interface ErrorReporter {
  /** `sentry` when SENTRY_DSN is set; `off` sends nothing and loaded nothing. */
  readonly kind: 'sentry' | 'off';
  /** Queues the error for sending and returns at once; never throws, never delays the caller. */
  report(error: unknown, origin?: ErrorOrigin): void;
  /** Sends what is queued, waiting at most `timeoutMs`, then reports nothing more. */
  close(timeoutMs: number): Promise<void>;
}

export interface ErrorReporterDeps {
  env: Pick<Env, 'SENTRY_DSN' | 'RELEASE' | 'NODE_ENV' | 'ROLES'>;
  log: Logger;
}
