import { TRPCError } from '@trpc/server';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { loggableError } from '../../db/errors.js';
import type { ErrorReporter } from '../../integrations/error-tracking/index.js';
import { AppError, INTERNAL_MESSAGE, toFieldIssues } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { announceRateLimit } from '../../lib/request-context.js';
import type { TrpcContext } from '../../trpc/context.js';
import { appCodeOf, createCallerFactory, inputErrorOf } from '../../trpc/init.js';
import { appRouter } from '../../trpc/router.js';
import { errorResponse } from '../errors.js';
import { respond, respondJson } from '../respond.js';
import { type RestOperation, unwrapped } from './operations.js';

export interface RestRoutesOptions {
  operations: RestOperation[];
  /** The OpenAPI document of `operations`, served as /openapi.json. */
  document: object;
  /** The tRPC context of a request (trpc/context.ts), given the procedure it will run. */
  createContext: (c: Context, calls: readonly { path: string }[]) => Promise<TrpcContext>;
  log: Logger;
  errors: ErrorReporter;
}

const createCaller = createCallerFactory(appRouter);
type Call = (input: unknown) => Promise<unknown>;

/**
 * The REST API for integrators (/api/v1): each operation runs its tRPC procedure through a server-side
 * caller with the request's own context, so authentication, rate limits, input validation, the error
 * funnel and the output schema are the procedure's; nothing here decides anything but the URL. Query and
 * path parameters become the input (numbers and booleans read from their text as the input schema asks);
 * the answer is the output as JSON, an error the API's one envelope.
 */
export function createRestRoutes(options: RestRoutesOptions): Hono {
  const { operations, log, errors } = options;
  const documentJson = JSON.stringify(options.document);
  const app = new Hono().get('/openapi.json', () => respond(documentJson, 200, 'application/json'));
  for (const operation of operations) {
    const route = operation.path.replace(/\{(\w+)\}/g, ':$1');
    const segments = operation.procedure.split('.');
    app.on(operation.method, route, async function restOperation(c) {
      const input = operation.input ? inputOf(c, operation.input, operation.pathParams) : undefined;
      const ctx = await options.createContext(c, [{ path: operation.procedure }]);
      const call = segments.reduce<unknown>(
        (node, name) => (node as Record<string, unknown>)[name],
        createCaller(ctx),
      ) as Call;
      try {
        const output = await call(input);
        announceRateLimit();
        return respondJson(output);
      } catch (error) {
        announceRateLimit();
        return restErrorResponse(error, operation, log, errors);
      }
    });
  }
  return app;
}

/** The input object of a request: its query parameters, then its path parameters. */
function inputOf(c: Context, schema: z.ZodObject, pathParams: string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const query = c.req.queries();
  for (const [name, values] of Object.entries(query)) {
    const field = schema.shape[name];
    // Unknown parameters are passed on as they are: the input schema decides what to do with them.
    const base = field ? unwrapped(field as z.ZodType) : null;
    if (base instanceof z.ZodArray) input[name] = values;
    else if (values.length > 1) input[name] = values;
    else input[name] = fromText(values[0] as string, base);
  }
  for (const name of pathParams) input[name] = c.req.param(name);
  return input;
}

const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A query value as the schema's type: a number or a boolean from its usual text, else the text itself. */
function fromText(value: string, schema: z.ZodType | null): unknown {
  if (schema instanceof z.ZodNumber) return NUMBER_TEXT.test(value) ? Number(value) : value;
  if (schema instanceof z.ZodBoolean) return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/**
 * The envelope of what a procedure threw, as the tRPC error formatter words it (trpc/init.ts): its code,
 * the field issues of a rejected input, nothing internal. Faults are logged and reported.
 */
function restErrorResponse(
  thrown: unknown,
  operation: RestOperation,
  log: Logger,
  errors: ErrorReporter,
): Response {
  const error =
    thrown instanceof TRPCError ? thrown : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: thrown });
  const code = appCodeOf(error);
  if (code === 'INTERNAL') {
    log.error({ err: loggableError(error.cause ?? error), path: operation.procedure }, 'procedure failed');
    errors.report(error.cause ?? error, { procedure: operation.procedure, transport: 'http' });
    return errorResponse('INTERNAL', INTERNAL_MESSAGE);
  }
  const inputError = inputErrorOf(error);
  if (inputError) return errorResponse(code, 'Invalid input', { issues: toFieldIssues(inputError.issues) });
  const cause = error.cause;
  if (cause instanceof AppError)
    return errorResponse(
      code,
      cause.message,
      cause.issues ? { issues: cause.issues } : {},
      cause.retryAfterSeconds,
    );
  return errorResponse(code, error.message || code);
}
