import { requestContext } from '../lib/request-context.js';

export type ResponseBody = string | Uint8Array<ArrayBuffer>;

/**
 * An answer whose headers are the request's own header object (correlation id, security, CORS, rate
 * limit; see lib/request-context.ts) plus its content type and `extra`. Routes answer through this rather
 * than `c.json`: Hono's helpers fill a WHATWG `Headers`, which @hono/node-server then converts back, and
 * that costs more than the rest of a small request. Outside a request (a bare test app) the answer carries
 * only its own headers.
 */
export function respond(
  body: ResponseBody,
  status: number,
  contentType: string,
  extra?: Record<string, string>,
): Response {
  const context = requestContext.getStore();
  let headers: Record<string, string>;
  if (!context) headers = { ...extra };
  else if (extra) headers = { ...context.responseHeaders, ...extra };
  else headers = context.responseHeaders;
  headers['content-type'] = contentType;
  const response = new Response(body, { status, headers });
  if (context) context.prepared = response;
  return response;
}

/** A JSON answer; see `respond`. */
export function respondJson(value: unknown, status = 200): Response {
  return respond(JSON.stringify(value), status, 'application/json');
}

/** An answer without a body (204, 304), carrying the request's headers; see `respond`. */
export function respondEmpty(status: number): Response {
  const context = requestContext.getStore();
  const { 'content-type': _contentType, ...headers } = context?.responseHeaders ?? {};
  const response = new Response(null, { status, headers });
  if (context) context.prepared = response;
  return response;
}
