import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, ERROR_CODES, type ErrorBody, type ErrorCode, INTERNAL_MESSAGE } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { currentRequestId } from '../lib/request-context.js';
import { respondJson } from './respond.js';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_CODES)
    // One code per status for framework errors: the generic one, not the specialised variants.
    .filter(([code]) => !['VALIDATION_ERROR', 'TOKEN_ROTATED', 'ACCOUNT_LOCKED'].includes(code))
    .map(([code, { status }]) => [status, code as ErrorCode]),
);

/** Writes the one JSON error envelope. */
export function errorResponse(code: ErrorCode, message: string, extra: Partial<ErrorBody> = {}): Response {
  const body: ErrorBody = { code, message, requestId: currentRequestId() ?? 'unknown', ...extra };
  return respondJson(body, ERROR_CODES[code].status);
}

/** Maps anything thrown by a plain HTTP route to the envelope; unexpected errors are logged with their stack. */
export function createErrorHandler(log: Logger): ErrorHandler {
  return function onError(error) {
    if (error instanceof AppError) {
      if (error.code === 'INTERNAL') {
        log.error({ err: error }, 'internal error');
        return errorResponse('INTERNAL', INTERNAL_MESSAGE);
      }
      return errorResponse(error.code, error.message, error.issues ? { issues: error.issues } : {});
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = CODE_BY_STATUS.get(error.status) ?? 'BAD_REQUEST';
      return errorResponse(code, error.message || code);
    }
    log.error({ err: error }, 'unhandled error');
    return errorResponse('INTERNAL', INTERNAL_MESSAGE);
  };
}

export const notFound: NotFoundHandler = (c) =>
  errorResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path.slice(0, 200)}`);
