import {
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ExecutionContext } from 'hono';
import { loggableError } from '../../db/errors.js';
import type { ErrorReporter } from '../../integrations/error-tracking/index.js';
import { INTERNAL_MESSAGE } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import { type RequestContext, type ResponseHeaders, requestContext } from '../../lib/request-context.js';
import { peerOf } from '../../lib/telemetry/trace-context.js';
import { activeTracer } from '../../lib/telemetry/tracer.js';
import { errorResponse } from '../errors.js';
import { respondEmpty } from '../respond.js';
import type { RecordRequest } from './access-log.js';
import type { CorsPolicy } from './cors.js';
import { type EdgeRequestHeaders, readEdgeHeaders } from './request-headers.js';
import { requestIdOf } from './request-id.js';

/** Hono's `fetch`, and what @hono/node-server calls. */
export type FetchHandler = (
  request: Request,
  env?: unknown,
  executionCtx?: ExecutionContext,
) => Response | Promise<Response>;

export interface DeadlineOptions {
  defaultMs: number;
  /** Longer or shorter deadlines for paths under a prefix (first match wins), e.g. uploads. */
  byPrefix?: { prefix: string; ms: number }[];
}

export interface EdgeOptions {
  log: Logger;
  /** Unhandled errors are reported here besides the log. */
  errors: ErrorReporter;
  metrics: Metrics;
  /** The headers every answer starts with (security headers and the correlation id). */
  responseHeaders: (requestId: string) => ResponseHeaders;
  cors: CorsPolicy;
  recordRequest: RecordRequest;
  deadline: DeadlineOptions;
  /** The bounded route of a request (route-labels.ts): its server span is named by it. */
  routeLabel: (method: string, path: string) => string;
  /** The remote parent a request may join: its `traceparent`, when its peer is a trusted caller. */
  traceParent: (traceparent: string | null, peer: string | undefined) => SpanContext | null;
  /**
   * Content-Security-Policy of the answers under a prefix (first match wins), in place of the JSON API's
   * (security-headers.ts): pages such as the API documentation each name what they may load. Set before the
   * route runs, so every answer there has it, errors and 404s included.
   */
  contentSecurityPolicy?: { prefix: string; policy: string }[];
}

/**
 * The edge every request passes, wrapped around the router's `fetch`: it gives the request its correlation
 * id and context (so every log line carries the id), its response headers (security, CORS), answers CORS
 * preflights, holds slow requests to a deadline, and counts and logs the answer.
 *
 * It is one function rather than a Hono middleware chain because each middleware turns a synchronous answer
 * into a promise chain, and headers set through Hono go through a WHATWG `Headers` that @hono/node-server
 * converts back: together they cost most of a small request's time. Here a route that answers
 * synchronously through http/respond.ts is written with one `writeHead` and no promise.
 *
 * Each request belongs to a trace: a trusted caller's (`traceparent`) or a new one. While tracing runs
 * the request is a server span, named by its route, that the tRPC, pg, Redis and outbound spans hang
 * under; either way the trace id is in the request's context, on its log lines and in its errors.
 *
 * Past the deadline the client gets a JSON 504 with the request id, and the request is marked so that its
 * transactions roll back rather than commit (db/guard.ts): abandoned work leaves nothing written. A
 * flag rather than an AbortSignal: creating one per request costs more than the rest of the edge.
 */
export function createEdge(options: EdgeOptions): (route: FetchHandler) => FetchHandler {
  const { log, errors, metrics, responseHeaders, cors, recordRequest, routeLabel, traceParent } = options;
  const byPrefix = options.deadline.byPrefix ?? [];
  const deadlineOf = (path: string) =>
    byPrefix.find((route) => path.startsWith(route.prefix))?.ms ?? options.deadline.defaultMs;
  const policies = options.contentSecurityPolicy ?? [];

  const internalError = (error: unknown, request: Request, path: string): Response => {
    log.error({ err: loggableError(error) }, 'unhandled error');
    errors.report(error, { route: routeLabel(request.method, path) });
    return errorResponse('INTERNAL', INTERNAL_MESSAGE);
  };

  const finish = (
    answer: Response,
    request: Request,
    context: RequestContext,
    started: number,
    path: string,
    span: Span | undefined,
  ) => {
    metrics.http.inFlight--;
    const response = answer === context.prepared ? answer : withHeaders(answer, context.responseHeaders);
    recordRequest(request.method, path, response.status, performance.now() - started);
    if (span) endServerSpan(span, request.method, routeLabel(request.method, path), response.status);
    return response;
  };

  const withDeadline = (
    answer: Promise<Response>,
    ms: number,
    context: RequestContext,
    request: Request,
    path: string,
  ) =>
    new Promise<Response>((resolve) => {
      const timer = setTimeout(() => {
        context.pastDeadline = true;
        resolve(errorResponse('TIMEOUT', `The request did not complete within ${ms} ms`));
        // The abandoned handler may still answer; it must not write into the 504's headers.
        context.responseHeaders = { ...context.responseHeaders };
      }, ms);
      answer.then(
        (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(internalError(error, request, path));
        },
      );
    });

  return (route) => {
    const serve = (
      request: Request,
      env: unknown,
      executionCtx: ExecutionContext | undefined,
      context: RequestContext,
      started: number,
      headers: EdgeRequestHeaders,
      span: Span | undefined,
    ): Response | Promise<Response> => {
      metrics.http.inFlight++;
      const path = pathOf(request.url);
      for (const { prefix, policy } of policies)
        if (path.startsWith(prefix)) {
          context.responseHeaders['content-security-policy'] = policy;
          break;
        }
      if (
        headers.origin !== null &&
        cors(request.method, headers.origin, headers.requestedMethod, context.responseHeaders)
      )
        return finish(respondEmpty(204), request, context, started, path, span);
      let answer: Response | Promise<Response>;
      try {
        answer = route(request, env, executionCtx);
      } catch (error) {
        answer = internalError(error, request, path);
      }
      if (!(answer instanceof Promise)) return finish(answer, request, context, started, path, span);
      return withDeadline(answer, deadlineOf(path), context, request, path).then((response) =>
        finish(response, request, context, started, path, span),
      );
    };

    return function edge(request, env, executionCtx) {
      const started = performance.now();
      const headers = readEdgeHeaders(request, env);
      const requestId = requestIdOf(headers);
      const parent = headers.traceparent === null ? null : traceParent(headers.traceparent, peerOf(env));
      const tracer = activeTracer();
      const parentContext = tracer && parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      const span = tracer?.startSpan(
        request.method,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'linguamate.request_id': requestId },
        },
        parentContext,
      );
      const context: RequestContext = {
        requestId,
        traceId: span?.spanContext().traceId ?? parent?.traceId,
        responseHeaders: responseHeaders(requestId),
        pastDeadline: false,
      };
      const run = () =>
        requestContext.run(context, serve, request, env, executionCtx, context, started, headers, span);
      return span ? otelContext.with(trace.setSpan(parentContext, span), run) : run();
    };
  };
}

/** Names the server span by its route (never the raw path: ids would make every name unique) and ends it. */
function endServerSpan(span: Span, method: string, route: string, status: number): void {
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', String(status));
  }
  span.end();
}

/** The path of an absolute request URL, without the query. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start === -1) return '/';
  const query = url.indexOf('?', start);
  return url.slice(start, query === -1 ? undefined : query);
}

/**
 * Puts the request's headers on an answer built elsewhere (the tRPC adapter, a Hono helper). The answer's
 * own Content-Type and Content-Security-Policy win (an HTML page brings its own policy); Vary is merged.
 */
function withHeaders(answer: Response, headers: ResponseHeaders): Response {
  try {
    copyHeaders(answer.headers, headers);
    return answer;
  } catch (error) {
    // Responses such as Response.redirect() have immutable headers: copy the response first.
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(answer.body, answer);
    copyHeaders(copy.headers, headers);
    return copy;
  }
}

function copyHeaders(target: Headers, headers: ResponseHeaders): void {
  for (const name in headers) {
    const value = headers[name]!;
    if (name === 'content-type') continue;
    if (name === 'content-security-policy' && target.has(name)) continue;
    if (name === 'vary') {
      const existing = target.get('vary');
      target.set('vary', existing ? `${existing}, ${value}` : value);
    } else target.set(name, value);
  }
}
