import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../errors.js';

/**
 * Gives the request a deadline. Past it the client gets a JSON 504 with the request id. Work already
 * running finishes on its own or fails at the database's statement timeout; because every write is a
 * transaction, nothing half-written remains. (No AbortSignal per request: creating one costs more than
 * the rest of this middleware, and nothing below would listen to it yet.)
 */
export interface DeadlineOptions {
  defaultMs: number;
  /** Longer or shorter deadlines for paths under a prefix (first match wins), e.g. uploads. */
  byPrefix?: { prefix: string; ms: number }[];
}

export function createDeadline(options: DeadlineOptions): MiddlewareHandler {
  const byPrefix = options.byPrefix ?? [];
  return async function deadline(c, next) {
    const deadlineMs = byPrefix.find((route) => c.req.path.startsWith(route.prefix))?.ms ?? options.defaultMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), deadlineMs);
    });
    const outcome = await Promise.race([next().then(() => false as const), expired]);
    clearTimeout(timer);
    if (outcome === true) {
      return errorResponse(c, 'TIMEOUT', `The request did not complete within ${deadlineMs} ms`);
    }
  };
}
