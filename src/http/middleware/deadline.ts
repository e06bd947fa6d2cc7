import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../errors.js';

export interface DeadlineVariables {
  /** Aborted when the request's deadline passes: long work should stop early. */
  deadline: AbortSignal;
}

/**
 * Gives the request a deadline. Past it the client gets a JSON 504 with the request id, and the signal in
 * `c.var.deadline` aborts so cooperative work stops. Work already running finishes on its own or fails at
 * the database's statement timeout; because every write is a transaction, nothing half-written remains.
 */
export function createDeadline(deadlineMs: number): MiddlewareHandler<{ Variables: DeadlineVariables }> {
  return async function deadline(c, next) {
    const controller = new AbortController();
    c.set('deadline', controller.signal);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), deadlineMs);
    });
    const outcome = await Promise.race([next().then(() => false as const), expired]);
    clearTimeout(timer);
    if (outcome === true) {
      controller.abort(new Error('deadline exceeded'));
      return errorResponse(c, 'TIMEOUT', `The request did not complete within ${deadlineMs} ms`);
    }
  };
}
