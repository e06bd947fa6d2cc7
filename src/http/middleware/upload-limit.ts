import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../lib/errors.js';
import { errorResponse } from '../errors.js';

/**
 * Caps an upload while it streams, without buffering it: a declared Content-Length above the cap is
 * refused at once, and a body that grows past it (chunked, or lying about its length) fails the handler's
 * read at the first byte over, which answers 413 through the error handler. The handler keeps streaming
 * the body (to a multipart parser, say) as it would without the cap. For JSON bodies, see bodyLimit.
 */
export function createUploadLimit(maxBytes: number): MiddlewareHandler {
  const message = `Upload exceeds ${maxBytes} bytes`;
  return async function uploadLimit(c, next) {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes)
      return errorResponse('PAYLOAD_TOO_LARGE', message);
    const body = c.req.raw.body;
    if (!body) return next();
    let received = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          received += chunk.byteLength;
          if (received > maxBytes) controller.error(new AppError('PAYLOAD_TOO_LARGE', message));
          else controller.enqueue(chunk);
        },
      }),
    );
    c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
    return next();
  };
}
