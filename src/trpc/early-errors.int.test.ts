import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { type TrpcAnswer, trpcCall } from '../../test/trpc-call.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { TRPC_MAX_BATCH_SIZE: '20' } });
});
afterAll(() => t.close());

interface ErrorEnvelope {
  error: {
    json: { message: string; data: { errorCode: string; requestId: string | null; httpStatus: number } };
  };
}

/**
 * Requests tRPC refuses before any procedure (and so before the context) exists. Each must still be a
 * JSON answer whose error carries our code and the request's correlation id.
 */
const refusedEarly: [
  what: string,
  status: number,
  errorCode: string,
  send: (headers: Headers) => Promise<TrpcAnswer>,
][] = [
  [
    'a batch over TRPC_MAX_BATCH_SIZE',
    400,
    'BAD_REQUEST',
    (headers) =>
      trpcCall(
        t,
        Array.from({ length: 21 }, () => ['lessons.getAll', {}] as const),
        { headers },
      ),
  ],
  [
    'a malformed input parameter',
    400,
    'BAD_REQUEST',
    (headers) => trpcCall(t, 'lessons.getAll', undefined, { headers, rawBatch: '{not-json' }),
  ],
  [
    'a query sent as POST',
    405,
    'METHOD_NOT_ALLOWED',
    (headers) => trpcCall(t, 'lessons.getAll', {}, { headers, type: 'mutation' }),
  ],
  [
    'a mutation sent as GET',
    405,
    'METHOD_NOT_ALLOWED',
    (headers) => trpcCall(t, 'auth.login', {}, { headers, type: 'query' }),
  ],
  ['an unknown procedure', 404, 'NOT_FOUND', (headers) => trpcCall(t, 'no.such.procedure', {}, { headers })],
  [
    'a body that is not JSON',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    (headers) =>
      trpcCall(t, 'auth.login', undefined, {
        headers: { ...headers, 'content-type': 'text/plain' },
        rawBatch: 'hello',
      }),
  ],
  [
    'malformed JSON in a body',
    400,
    'BAD_REQUEST',
    (headers) => trpcCall(t, 'auth.login', undefined, { headers, rawBatch: '{"0":' }),
  ],
];

type Headers = Record<string, string>;

describe('errors tRPC raises before a procedure runs', () => {
  it.each(refusedEarly)('%s: %i JSON with our code and the request id', async (_what, status, code, send) => {
    const requestId = `early-${status}-${code}`;
    const { response } = await send({ 'x-correlation-id': requestId });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-correlation-id')).toBe(requestId);
    const body = (await response.json()) as ErrorEnvelope | ErrorEnvelope[];
    const errors = Array.isArray(body) ? body : [body];
    expect(errors.length).toBeGreaterThan(0);
    for (const { error } of errors) {
      expect(error.json.data).toMatchObject({ errorCode: code, requestId, httpStatus: status });
      expect(error.json.message).not.toMatch(/\n\s+at /);
    }
  });
});
