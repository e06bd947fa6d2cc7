import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import { openPglite } from '../db/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('correlation id', () => {
  it('echoes a valid incoming id and puts it on every log line of the request', async () => {
    const id = 'client-req-42';
    const response = await t.request('/api/info', { headers: { 'x-correlation-id': id } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe(id);
    const lines = t.logs.withRequestId(id);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => (line.req as { path?: string } | undefined)?.path === '/api/info')).toBe(
      true,
    );
  });

  it('accepts x-request-id when x-correlation-id is absent', async () => {
    const response = await t.request('/api', { headers: { 'x-request-id': 'upstream.lb:77' } });
    expect(response.headers.get('x-correlation-id')).toBe('upstream.lb:77');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['unsafe characters', 'abc<script>'],
    ['a log-injection attempt', 'id\nlevel=fatal'],
  ])('replaces an incoming id that is %s with a generated one', async (_why, bad) => {
    const response = await t.request('/api', { headers: { 'x-correlation-id': bad.replace('\n', ' ') } });
    const id = response.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the id into tRPC responses and error bodies', async () => {
    const answer = await trpcCall(
      t,
      'lessons.getById',
      { id: 'no-such-lesson' },
      { headers: { 'x-correlation-id': 'trpc-404' } },
    );
    expect(answer.response.headers.get('x-correlation-id')).toBe('trpc-404');
    expect(answer.items[0]?.error?.json.data.requestId).toBe('trpc-404');
  });
});

describe('error envelope over plain HTTP', () => {
  it('answers unknown /api paths with a JSON 404, never HTML', async () => {
    const response = await t.request('/api/does-not-exist', { headers: { 'x-correlation-id': 'nf-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'No route for GET /api/does-not-exist',
      requestId: 'nf-1',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('answers a 500 with a generic message, logging the stack but not exposing it', async () => {
    const own = await createTestApp();
    try {
      // A route that fails the way a bug would, mounted on a real app (before its first request).
      own.app.get('/api/__test/boom', () => {
        throw new Error('database password is hunter2');
      });
      const response = await own.request('/api/__test/boom', { headers: { 'x-correlation-id': 'boom-1' } });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({
        code: 'INTERNAL',
        message: 'Internal error',
        requestId: 'boom-1',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(body).not.toContain('hunter2');
      const errorLine = own.logs.withRequestId('boom-1').find((line) => line.msg === 'unhandled error');
      expect((errorLine?.err as { stack?: string } | undefined)?.stack).toContain('hunter2');
    } finally {
      await own.close();
    }
  });
});

describe('error envelope over tRPC', () => {
  it('rejects invalid input with 400, VALIDATION_ERROR and the field issues', async () => {
    const answer = await trpcCall(
      t,
      'lessons.getAll',
      { difficulty: 'impossible' },
      { headers: { 'x-correlation-id': 'v-1' } },
    );
    expect(answer.status).toBe(400);
    expect(answer.items[0]?.error?.json).toMatchObject({
      message: 'Invalid input',
      data: {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        errorCode: 'VALIDATION_ERROR',
        requestId: 'v-1',
        path: 'lessons.getAll',
        issues: [expect.objectContaining({ path: 'difficulty' })],
        zodError: { fieldErrors: { difficulty: [expect.any(String)] } },
      },
    });
  });

  it('maps a missing lesson to 404 NOT_FOUND', async () => {
    const answer = await trpcCall(t, 'lessons.getById', { id: 'missing' });
    expect(answer.status).toBe(404);
    expect(answer.items[0]?.error?.json.message).toBe('Lesson not found');
    expect(answer.items[0]?.error?.json.data).toMatchObject({
      code: 'NOT_FOUND',
      errorCode: 'NOT_FOUND',
      httpStatus: 404,
    });
  });

  it('answers an unknown procedure with a JSON 404', async () => {
    const answer = await trpcCall(t, 'lessons.nope', {});
    expect(answer.status).toBe(404);
    expect(answer.response.headers.get('content-type')).toContain('application/json');
  });

  it('answers malformed JSON in a mutation with 400', async () => {
    const answer = await trpcCall(t, 'example.hi', undefined, { rawBatch: '{"0":' });
    expect(answer.status).toBe(400);
  });

  it('hides an unexpected failure behind "Internal error" with 500 and logs it', async () => {
    const broken = await openPglite(null);
    await broken.close(); // every query now fails, as with a dead database connection
    const failing = await createTestApp({ database: broken, env: { LESSON_CACHE_TTL_SECONDS: '0' } });
    try {
      const answer = await trpcCall(
        failing,
        'lessons.getAll',
        {},
        { headers: { 'x-correlation-id': 'tr-500' } },
      );
      expect(answer.status).toBe(500);
      const [item] = answer.items;
      expect(item?.error?.json.message).toBe('Internal error');
      expect(item?.error?.json.data).toMatchObject({ errorCode: 'INTERNAL', requestId: 'tr-500' });
      expect(JSON.stringify(item)).not.toMatch(/stack|pglite|closed/i);
      const logged = failing.logs.withRequestId('tr-500').find((line) => line.msg === 'procedure failed');
      expect(logged?.err).toHaveProperty('stack');
    } finally {
      await failing.close();
    }
  });
});

describe('status routes', () => {
  it('serves /api and /api/info with the contract bodies', async () => {
    expect(await (await t.request('/api')).json()).toMatchObject({ status: 'ok', version: '1.0.0' });
    expect(await (await t.request('/api/info')).json()).toMatchObject({
      name: 'Language Learning Backend',
      environment: 'test',
      endpoints: { trpc: '/api/trpc', ingestLogs: '/api/ingest/logs' },
    });
  });

  it('exposes Prometheus metrics with request and pool series', async () => {
    await t.request('/api/health/live');
    const response = await t.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain(
      'http_request_duration_seconds_bucket{le="0.001",route="/api/health/live",method="GET",status="200"}',
    );
    expect(body).toContain('http_requests_in_flight');
    expect(body).toContain('db_pool_connections_max');
    expect(body).toContain('process_cpu_user_seconds_total');
  });
});

describe('access log modes', () => {
  it('writes no request line below the log level, even when asked for all', async () => {
    const warnOnly = await createTestApp({ env: { ACCESS_LOG: 'all', LOG_LEVEL: 'warn' } });
    try {
      await warnOnly.request('/api/health/live', { headers: { 'x-correlation-id': 'lvl-ok' } });
      await warnOnly.request('/api/missing', { headers: { 'x-correlation-id': 'lvl-404' } });
      const requestLines = (id: string) =>
        warnOnly.logs.withRequestId(id).filter((line) => line.evt === 'http_request');
      expect(requestLines('lvl-ok')).toEqual([]);
      expect(requestLines('lvl-404')).toMatchObject([{ level: 'warn' }]);
    } finally {
      await warnOnly.close();
    }
  });

  it('logs only failing and slow requests by default, yet counts every request', async () => {
    const quiet = await createTestApp({ env: { ACCESS_LOG: undefined } });
    try {
      expect(quiet.deps.env.ACCESS_LOG).toBe('errors');
      await quiet.request('/api/health/live', { headers: { 'x-correlation-id': 'ok-1' } });
      await quiet.request('/api/missing', { headers: { 'x-correlation-id': 'bad-1' } });
      const requestLines = (id: string) =>
        quiet.logs.withRequestId(id).filter((line) => line.evt === 'http_request');
      expect(requestLines('ok-1')).toEqual([]);
      expect(requestLines('bad-1')).toHaveLength(1);
      const metrics = await (await quiet.request('/metrics')).text();
      expect(metrics).toMatch(
        /http_requests_total\{route="\/api\/health\/live",method="GET",status="200"\} 1/,
      );
    } finally {
      await quiet.close();
    }
  });
});
