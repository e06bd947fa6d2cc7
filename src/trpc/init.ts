import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { logDatabaseRefusal, translateDatabaseError } from '../db/errors.js';
import {
  AppError,
  type ErrorCode,
  errorCodeFromTrpc,
  INTERNAL_MESSAGE,
  toFieldIssues,
} from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { PolicyName } from '../lib/rate-limit/policies.js';
import {
  announceRetryAfter,
  currentRequestId,
  currentTraceId,
  setResponseHeader,
} from '../lib/request-context.js';
import { activeTracer, inSpan } from '../lib/telemetry/tracer.js';
import { hasAdminRole } from '../modules/users/accounts.js';
import type { TrpcContext } from './context.js';
import { deprecationHeaders } from './deprecations.js';
import { rateLimitProcedure } from './rate-limit.js';

/**
 * The Zod error of a rejected input. An output that fails its `.output()` schema also has a ZodError for
 * cause, but as an INTERNAL_SERVER_ERROR: that is our fault, never the client's.
 */
export function inputErrorOf(error: TRPCError): z.ZodError | null {
  return error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError ? error.cause : null;
}

/** Our error code for any tRPC error: the AppError's own, Zod input failures, or tRPC's mapped. */
export function appCodeOf(error: TRPCError): ErrorCode {
  if (error.cause instanceof AppError) return error.cause.code;
  if (inputErrorOf(error)) return 'VALIDATION_ERROR';
  return errorCodeFromTrpc(error.code);
}

/**
 * The one funnel from whatever a procedure threw to the error tRPC answers with: an AppError thrown
 * anywhere below a router (or a database refusal, which becomes one) takes its code from the single
 * table in lib/errors.ts, and a 429 or 503 announces its `Retry-After`.
 */
export function toTrpcError(error: TRPCError, log: Logger): TRPCError {
  const cause = translateDatabaseError(error.cause);
  if (!(cause instanceof AppError)) return error;
  logDatabaseRefusal(log, cause);
  const retryAfter = cause.retryAfterSeconds;
  if (retryAfter !== undefined) announceRetryAfter(retryAfter);
  if (cause === error.cause && error.code !== 'INTERNAL_SERVER_ERROR') return error;
  return new TRPCError({ code: cause.trpcCode, message: cause.message, cause });
}

/**
 * A subscription's events, with an error thrown while they stream sent through the same funnel as a
 * procedure's (`toTrpcError`): tRPC formats such errors after the middlewares have returned, where an
 * AppError would otherwise reach the client as an internal error.
 */
export async function* withErrorFunnel<T>(events: AsyncIterable<T>, log: Logger): AsyncGenerator<T> {
  try {
    yield* events;
  } catch (error) {
    throw toTrpcError(
      error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }),
      log,
    );
  }
}

/**
 * A procedure's operation in the REST API for integrators (/api/v1, http/rest/): the procedure itself runs,
 * with its input schema, rate limit and errors; this only names its URL and documents it.
 */
export interface OpenApiOperationMeta {
  /** Reads only for now: the adapter (http/rest/routes.ts) passes query and path parameters, no body. */
  method: 'GET';
  /** Below /api/v1, OpenAPI style: `{name}` is a path parameter, one of the input's keys. */
  path: `/${string}`;
  summary: string;
  tags: string[];
  description?: string;
  /**
   * `required`: a bearer access token is needed (authed procedures); `optional`: public, but a token
   * changes the answer; `none`: public.
   */
  auth: 'required' | 'optional' | 'none';
}

/** Per-procedure metadata, read by the middlewares and the HTTP layer. */
export interface ProcedureMeta {
  /** Served over REST as well (http/rest/), and documented in its OpenAPI document. */
  openapi?: OpenApiOperationMeta;
  /**
   * `public`: a read whose answer depends only on its input and the content version (never on the
   * caller), so whole responses may be cached and shared.
   */
  cache?: 'public';
  /** The rate limit policy each call spends (lib/rate-limit/policies.ts); `default` when unset. */
  rateLimit?: PolicyName;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // Never let tRPC add stack traces to responses, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const errorCode = appCodeOf(error);
      const zodError = inputErrorOf(error);
      const message =
        errorCode === 'INTERNAL' ? INTERNAL_MESSAGE : zodError ? 'Invalid input' : shape.message || errorCode;
      const retryAfter = error.cause instanceof AppError ? error.cause.retryAfterSeconds : undefined;
      const issues = zodError
        ? toFieldIssues(zodError.issues)
        : error.cause instanceof AppError
          ? error.cause.issues
          : undefined;
      return {
        message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path ?? null,
          errorCode,
          // Errors raised before the context exists (batch too large, bad method) still have the request's id.
          requestId: ctx?.requestId ?? currentRequestId() ?? null,
          traceId: currentTraceId() ?? null,
          ...(issues ? { issues } : {}),
          // When to come back, in the body too: a subscription's error (SSE, WebSocket) has no header.
          ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
          // The app's forms read the flattened Zod error (api-contract §1).
          zodError: zodError ? z.flattenError(zodError) : null,
        },
      };
    },
  });

/**
 * Runs every procedure: errors go through the funnel (`toTrpcError`), each call is timed, and while
 * tracing runs each is a span named by its path (a batch's calls are sibling spans under the request's).
 */
const baseMiddleware = t.middleware(({ ctx, path, type, next }) =>
  activeTracer()
    ? inSpan(
        `trpc ${path}`,
        { attributes: { 'rpc.system.name': 'trpc', 'rpc.method': path, 'trpc.type': type } },
        () => runProcedure(ctx, path, type, next),
      )
    : runProcedure(ctx, path, type, next),
);

async function runProcedure<R extends { ok: true } | { ok: false; error: TRPCError }>(
  ctx: TrpcContext,
  path: string,
  type: string,
  next: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  const result = await next();
  const seconds = (performance.now() - started) / 1000;
  if (result.ok) {
    ctx.deps.metrics.procedureDuration.observe({ procedure: path, type, outcome: 'ok' }, seconds);
    return result;
  }
  const error = toTrpcError(result.error, ctx.deps.log);
  ctx.deps.metrics.procedureDuration.observe({ procedure: path, type, outcome: appCodeOf(error) }, seconds);
  throw error;
}

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

const rateLimitMiddleware = t.middleware(rateLimitProcedure);

/**
 * Announces a deprecated procedure (the registry, trpc/deprecations.ts, held in the deps): `Deprecation`,
 * `Sunset` (and `Link`) headers on the answer, and one count in `deprecated_procedure_calls_total`. Headers
 * belong to the whole HTTP response, so in a batch they announce that at least one call was deprecated.
 */
const deprecationMiddleware = t.middleware(({ ctx, path, next }) => {
  const entry =
    ctx.deps.deprecations.length > 0 ? ctx.deps.deprecations.find((d) => d.path === path) : undefined;
  if (entry) {
    for (const [name, value] of Object.entries(deprecationHeaders(entry))) setResponseHeader(name, value);
    ctx.deps.metrics.deprecatedCalls.inc({ procedure: entry.path });
  }
  return next();
});

/** Anyone may call it, within the rate limit of its policy. */
export const publicProcedure = t.procedure
  .use(baseMiddleware)
  .use(deprecationMiddleware)
  .use(rateLimitMiddleware);

const requireCaller = t.middleware(({ ctx, next }) => {
  if (!ctx.caller) throw new AppError('UNAUTHORIZED', 'Authentication required');
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

const requireAdmin = t.middleware(async ({ ctx, next }) => {
  if (ctx.caller?.role !== 'admin' || !(await hasAdminRole(ctx.deps, ctx.caller.userId)))
    throw new AppError('FORBIDDEN', 'Administrator role required');
  return next();
});

/** Requires a verified caller; `ctx.caller` is non-null inside. */
export const authedProcedure = publicProcedure.use(requireCaller);

/**
 * Requires the admin role, within the `admin` budget. The token's role claim is checked first (cheap),
 * then the stored role, so a demoted administrator loses access at once rather than when the access
 * token expires.
 */
export const adminProcedure = authedProcedure.meta({ rateLimit: 'admin' }).use(requireAdmin);

/**
 * Procedure builders whose procedures exist only while the feature flag `flagKey` is on for the caller
 * (`ctx.caller?.userId`; anonymous callers see only flags rolled out to 100 %). While it is off, and when
 * it cannot be evaluated (unknown flag, database down), a call answers exactly as a path with no
 * procedure does: NOT_FOUND (404) with tRPC's own message, before authentication, rate limit or input
 * checks, so nothing tells that the procedure exists. Not for `meta({ cache: 'public' })` procedures:
 * the response cache would serve one caller's answer to others.
 *
 *     const beta = gatedBy('lessons.beta-review');
 *     export const reviewProcedure = beta.authedProcedure.input(reviewInput).mutation(...);
 */
export function gatedBy(flagKey: string) {
  const gate = t.middleware(async ({ ctx, path, next }) => {
    if (!(await ctx.deps.flags.isEnabled(flagKey, ctx.caller?.userId ?? null)))
      throw new AppError('NOT_FOUND', `No procedure found on path "${path}"`);
    return next();
  });
  const gatedPublic = t.procedure.use(baseMiddleware).use(gate).use(rateLimitMiddleware);
  const gatedAuthed = gatedPublic.use(requireCaller);
  return {
    publicProcedure: gatedPublic,
    authedProcedure: gatedAuthed,
    adminProcedure: gatedAuthed.meta({ rateLimit: 'admin' }).use(requireAdmin),
  };
}
