import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { logDatabaseRefusal, loggableError, translateDatabaseError } from '../db/errors.js';
import type { ErrorReporter } from '../integrations/error-tracking/index.js';
import {
  AppError,
  CODE_BY_STATUS,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  INTERNAL_MESSAGE,
  retryAfterFor,
} from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { requestContext, traceIdOf } from '../lib/request-context.js';
import { respond } from './respond.js';

/**
 * Writes the one JSON error envelope. A 429 or 503 carries `Retry-After`: `retryAfterSeconds` when the
 * cause knows its wait, a default otherwise.
 */
export function errorResponse(
  code: ErrorCode,
  message: string,
  extra: Partial<ErrorBody> = {},
  retryAfterSeconds?: number,
): Response {
  const context = requestContext.getStore();
  const body: ErrorBody = {
    code,
    message,
    requestId: context?.requestId ?? 'unknown',
    traceId: context ? traceIdOf(context) : 'unknown',
    ...extra,
  };
  const status = ERROR_CODES[code].status;
  const retryAfter = retryAfterFor(status, retryAfterSeconds);
  return respond(
    JSON.stringify(body),
    status,
    'application/json',
    retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
  );
}

/** The envelope of an AppError a route raised or returned. */
export function appErrorResponse(error: AppError): Response {
  return errorResponse(
    error.code,
    error.message,
    error.issues ? { issues: error.issues } : {},
    error.retryAfterSeconds,
  );
}

/**
 * Maps anything thrown by a plain HTTP route to the envelope; unexpected errors are logged with their stack
 * and reported (`errors`) with the route they came from.
 */
export function createErrorHandler(log: Logger, errors: ErrorReporter): ErrorHandler {
  return function onError(thrown, c) {
    const error = translateDatabaseError(thrown);
    if (error instanceof AppError && error.code !== 'INTERNAL') {
      logDatabaseRefusal(log, error);
      return appErrorResponse(error);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = CODE_BY_STATUS.get(error.status) ?? 'BAD_REQUEST';
      return errorResponse(code, error.message || code);
    }
    log.error(
      { err: loggableError(error) },
      error instanceof AppError ? 'internal error' : 'unhandled error',
    );
    errors.report(error, { route: c.req.routePath });
    return errorResponse('INTERNAL', INTERNAL_MESSAGE);
  };
}

export const notFound: NotFoundHandler = (c) =>
  errorResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path.slice(0, 200)}`);
