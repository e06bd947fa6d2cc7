import { HTTPException } from 'hono/http-exception';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { AppError } from '../lib/errors.js';

/**
 * What a plain HTTP route answers for each kind of failure it can throw: our AppError, a framework
 * HTTPException, anything else. Routes are mounted on the real app, before its first request.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const throwing = (error: unknown) => () => {
    throw error;
  };
  t.app.get(
    '/api/__test/invalid',
    throwing(
      new AppError('VALIDATION_ERROR', 'Invalid input', {
        issues: [{ path: 'name', message: 'Too long', code: 'too_big' }],
      }),
    ),
  );
  t.app.get('/api/__test/conflict', throwing(new AppError('CONFLICT', 'Already exists')));
  t.app.get(
    '/api/__test/internal',
    throwing(new AppError('INTERNAL', 'pool exhausted talking to db.internal as admin')),
  );
  t.app.get('/api/__test/method', throwing(new HTTPException(405, { message: 'Use POST' })));
  t.app.get('/api/__test/teapot', throwing(new HTTPException(418)));
  t.app.get('/api/__test/gateway', throwing(new HTTPException(502, { message: 'upstream said no' })));
});
afterAll(() => t.close());

const get = async (path: string, id: string) => {
  const response = await t.request(path, { headers: { 'x-correlation-id': id } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('AppError thrown by a route', () => {
  it('answers its code and message, with the field issues of a validation error', async () => {
    expect(await get('/api/__test/invalid', 'e-1')).toEqual({
      status: 400,
      body: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid input',
        requestId: 'e-1',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        issues: [{ path: 'name', message: 'Too long', code: 'too_big' }],
      },
    });
    expect(await get('/api/__test/conflict', 'e-2')).toEqual({
      status: 409,
      body: {
        code: 'CONFLICT',
        message: 'Already exists',
        requestId: 'e-2',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    });
  });

  it('hides an INTERNAL one behind the generic message and logs it', async () => {
    const { status, body } = await get('/api/__test/internal', 'e-3');
    expect(status).toBe(500);
    expect(body).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      requestId: 'e-3',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const logged = t.logs.withRequestId('e-3').find((line) => line.msg === 'internal error');
    expect((logged?.err as { message?: string } | undefined)?.message).toContain('pool exhausted');
  });
});

describe('HTTPException thrown by a route or the framework', () => {
  it('maps a client error status to our code for that status', async () => {
    expect(await get('/api/__test/method', 'h-1')).toEqual({
      status: 405,
      body: {
        code: 'METHOD_NOT_ALLOWED',
        message: 'Use POST',
        requestId: 'h-1',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    });
  });

  it('answers a client error status we have no code for as BAD_REQUEST, named when it has no message', async () => {
    expect(await get('/api/__test/teapot', 'h-2')).toEqual({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message: 'BAD_REQUEST',
        requestId: 'h-2',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    });
  });

  it('treats a server error status as a fault: generic 500, logged', async () => {
    const { status, body } = await get('/api/__test/gateway', 'h-3');
    expect(status).toBe(500);
    expect(body).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      requestId: 'h-3',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(t.logs.withRequestId('h-3').some((line) => line.msg === 'unhandled error')).toBe(true);
  });
});
