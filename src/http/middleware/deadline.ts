import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../errors.js';

/**
 * Gives the request a deadline. Past it the client gets a JSON 504 with the request id. Work already
 * running finishes on its own or fails at the database's statement timeout; because every write is a
 * transaction, nothing half-written remains. (No AbortSignal per request: creating one costs more than
 * the rest of this middleware, and nothing below would listen to it yet.)
 */
export function createDeadline(deadlineMs: number): MiddlewareHandler {
  return async function deadline(c, next) {
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
