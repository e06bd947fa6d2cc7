import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { requestContext } from '../../lib/request-context.js';

export interface RequestIdVariables {
  requestId: string;
}

/** Incoming ids are accepted only if short and made of characters that are safe in logs and headers. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the correlation id from `x-correlation-id` or `x-request-id` when it is safe, otherwise makes one;
 * echoes it in the response and runs the rest of the request inside its AsyncLocalStorage scope so every
 * log line carries it. The header is set before `next()`: setting it afterwards rebuilds the response.
 */
export function createRequestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return function requestId(c, next) {
    const incoming = c.req.header('x-correlation-id') ?? c.req.header('x-request-id');
    const id = incoming !== undefined && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.header('x-correlation-id', id);
    return requestContext.run({ requestId: id }, next);
  };
}
