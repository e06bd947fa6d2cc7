import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';

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

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/**
 * Requests tRPC refuses before any procedure (and so before the context) exists. Each must still be a
 * JSON answer whose error carries our code and the request's correlation id.
 */
const refusedEarly: [what: string, status: number, errorCode: string, path: string, init?: RequestInit][] = [
  [
    'a batch over TRPC_MAX_BATCH_SIZE',
    400,
    'BAD_REQUEST',
    `/api/trpc/${Array.from({ length: 21 }, () => 'lessons.getAll').join(',')}?batch=1&input=${input({})}`,
  ],
  ['a malformed input parameter', 400, 'BAD_REQUEST', '/api/trpc/lessons.getAll?batch=1&input=%7Bnot-json'],
  ['a query sent as POST', 405, 'METHOD_NOT_ALLOWED', '/api/trpc/lessons.getAll?batch=1', postJson('{}')],
  ['a mutation sent as GET', 405, 'METHOD_NOT_ALLOWED', `/api/trpc/auth.login?batch=1&input=${input({})}`],
  ['an unknown procedure', 404, 'NOT_FOUND', `/api/trpc/no.such.procedure?batch=1&input=${input({})}`],
  [
    'a body that is not JSON',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    '/api/trpc/auth.login?batch=1',
    { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
  ],
  ['malformed JSON in a body', 400, 'BAD_REQUEST', '/api/trpc/auth.login?batch=1', postJson('{"0":')],
];

function postJson(body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body };
}

describe('errors tRPC raises before a procedure runs', () => {
  it.each(refusedEarly)(
    '%s: %i JSON with our code and the request id',
    async (_what, status, code, path, init) => {
      const requestId = `early-${status}-${code}`;
      const response = await t.request(path, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), 'x-correlation-id': requestId },
      });
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
    },
  );
});
