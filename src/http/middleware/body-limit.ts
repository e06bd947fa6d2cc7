import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../errors.js';

/**
 * Refuses request bodies above `maxBytes` with 413 PAYLOAD_TOO_LARGE. A declared Content-Length is judged
 * from the header alone; a chunked body is counted while it is read (hono/body-limit). Requests without a
 * body (GET, HEAD) pass untouched. hono/body-limit alone asks for `Request.body` first, and on
 * @hono/node-server that builds a whole WHATWG Request for every request, GETs included, whose abort
 * listener undici's finalization registry holds until a later garbage collection: under load that costs
 * more time than a cached answer itself, and the heap grows.
 */
export function createBodyLimit(
  maxBytes: number,
  message = `Request body exceeds ${maxBytes} bytes`,
): MiddlewareHandler {
  const refuse = () => errorResponse('PAYLOAD_TOO_LARGE', message);
  const counted = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return function jsonBodyLimit(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined)
      return Number(declared) > maxBytes ? Promise.resolve(refuse()) : next();
    return counted(c, next);
  };
}
