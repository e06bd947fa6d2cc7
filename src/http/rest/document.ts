import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ERROR_CODES, type ErrorBody } from '../../lib/errors.js';
import type { RestOperation } from './operations.js';

/** Where the REST API is mounted; the document's server URL (relative: whichever host serves it). */
export const REST_BASE_PATH = '/api/v1';

/** The version of the REST API's contract: additions keep 1.x (docs/api-versioning.md). */
export const REST_API_VERSION = '1.0.0';

const BEARER = 'bearerAuth';

/** The one error envelope of the HTTP API (lib/errors.ts ErrorBody), as the document describes it. */
export const errorBodySchema = z
  .object({
    code: z
      .enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]])
      .meta({ description: 'Machine-readable error code' }),
    message: z.string().meta({ description: 'For people; may change' }),
    requestId: z.string().meta({ description: 'The request id, also in the X-Correlation-Id header' }),
    traceId: z.string(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string() }))
      .optional()
      .meta({ description: 'The rejected input fields (VALIDATION_ERROR)' }),
  })
  .meta({ id: 'Error' }) satisfies z.ZodType<ErrorBody>;

// The reverse direction: every ErrorBody the API writes is what the document says.
const _everyErrorFits = (body: ErrorBody): z.infer<typeof errorBodySchema> => body;

const errorResponse = (description: string, headers?: z.ZodObject) => ({
  description,
  ...(headers && { headers }),
  content: { 'application/json': { schema: errorBodySchema } },
});

const retryAfter = z.object({
  'retry-after': z.string().meta({ description: 'Seconds to wait before trying again' }),
});

function responsesOf(operation: RestOperation): ZodOpenApiResponsesObject {
  return {
    '200': { description: 'OK', content: { 'application/json': { schema: operation.output } } },
    '400': errorResponse('Invalid parameters (VALIDATION_ERROR, with `issues`)'),
    ...(operation.auth !== 'none' && {
      '401': errorResponse('Missing, invalid or expired bearer token (UNAUTHORIZED)'),
    }),
    '404': errorResponse('No such resource or route (NOT_FOUND)'),
    '429': errorResponse('Rate limited (RATE_LIMITED): wait Retry-After seconds', retryAfter),
    '500': errorResponse('Internal error (INTERNAL)'),
  };
}

function operationObject(operation: RestOperation): ZodOpenApiOperationObject {
  const { input, pathParams } = operation;
  const shape = input?.shape ?? {};
  const pick = (inPath: boolean) =>
    z.object(
      Object.fromEntries(Object.entries(shape).filter(([name]) => pathParams.includes(name) === inPath)),
    );
  return {
    operationId: operation.procedure.replace('.', '_'),
    summary: operation.summary,
    ...(operation.description && { description: operation.description }),
    tags: operation.tags,
    ...(operation.auth === 'required' && { security: [{ [BEARER]: [] }] }),
    ...(operation.auth === 'optional' && { security: [{}, { [BEARER]: [] }] }),
    ...(input && { requestParams: { path: pick(true), query: pick(false) } }),
    responses: responsesOf(operation),
  };
}

/**
 * The OpenAPI 3.1 document of the REST operations, built from the procedures' own Zod schemas. A Date
 * of an answer is documented as what JSON makes of it: a date-time string.
 */
export function createOpenApiDocument(operations: RestOperation[]): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of operations) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method.toLowerCase()]: operationObject(operation),
    };
  }
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'Linguamate API for integrators',
      version: REST_API_VERSION,
      description:
        'Read access to the Linguamate catalogue (lessons, Learn content, leaderboards, dialogue topics) ' +
        "and, with a bearer access token (auth.login), to the caller's profile, progress and vocabulary. " +
        'Every error is one JSON envelope with a machine-readable `code` and the `requestId`.',
    },
    servers: [{ url: REST_BASE_PATH }],
    tags: [...new Set(operations.flatMap((operation) => operation.tags))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The access token of auth.login / auth.refreshToken, as the app sends it',
        },
      },
    },
  };
  return createDocument(document, {
    override: ({ jsonSchema, zodSchema, io }) => {
      if (io === 'output' && zodSchema._zod.def.type === 'date') {
        jsonSchema.type = 'string';
        jsonSchema.format = 'date-time';
      }
    },
  });
}
