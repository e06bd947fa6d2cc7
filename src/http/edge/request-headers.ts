import type { HttpBindings } from '@hono/node-server';

/** The request headers the edge reads on every request. */
export interface EdgeRequestHeaders {
  correlationId: string | null;
  requestId: string | null;
  origin: string | null;
  /** Access-Control-Request-Method, sent with CORS preflights. */
  requestedMethod: string | null;
  /** W3C trace context, followed only from trusted callers (lib/telemetry/trace-context.ts). */
  traceparent: string | null;
}

/**
 * Reads the edge's headers. On @hono/node-server it walks the socket's raw header list once: the first
 * `Request.headers` read would otherwise make Node build its header object for the whole request, which
 * costs more than everything else the edge does. Elsewhere (`app.request` in tests) it asks `Headers`.
 * A repeated header counts once, first value first.
 */
export function readEdgeHeaders(request: Request, env: unknown): EdgeRequestHeaders {
  const raw = (env as Partial<HttpBindings> | undefined)?.incoming?.rawHeaders;
  if (!raw) {
    const headers = request.headers;
    return {
      correlationId: headers.get('x-correlation-id'),
      requestId: headers.get('x-request-id'),
      origin: headers.get('origin'),
      requestedMethod: headers.get('access-control-request-method'),
      traceparent: headers.get('traceparent'),
    };
  }
  const found: EdgeRequestHeaders = {
    correlationId: null,
    requestId: null,
    origin: null,
    requestedMethod: null,
    traceparent: null,
  };
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!;
    // Lengths first: most headers are none of ours, and comparing a length costs nothing.
    switch (name.length) {
      case 16:
        if (name.toLowerCase() === 'x-correlation-id') found.correlationId ??= raw[index + 1]!;
        break;
      case 12:
        if (name.toLowerCase() === 'x-request-id') found.requestId ??= raw[index + 1]!;
        break;
      case 6:
        if (name.toLowerCase() === 'origin') found.origin ??= raw[index + 1]!;
        break;
      case 11:
        if (name.toLowerCase() === 'traceparent') found.traceparent ??= raw[index + 1]!;
        break;
      case 29:
        if (name.toLowerCase() === 'access-control-request-method') found.requestedMethod ??= raw[index + 1]!;
        break;
    }
  }
  return found;
}
