import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp, unique, usingRedis } from '../../../test/harness.js';
import { type SentryEvent, type SentrySink, startSentrySink } from '../../../test/sentry-sink.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { startWsService, wsTrpcClient } from '../../../test/ws.js';
import { type Database, openPglite } from '../../db/client.js';
import { createRedisJobQueue } from '../../jobs/bullmq.js';
import { listDeadLetters } from '../../jobs/dead-letter.js';
import { defineJob } from '../../jobs/define.js';
import { createMemoryJobQueue } from '../../jobs/memory.js';
import { startJobRuntime } from '../../jobs/runtime.js';

/**
 * Unexpected errors reach a local stand-in for Sentry (test/sentry-sink.ts) with the ids that find them
 * in our logs and traces, and nothing of the request that caused them. Each test closes its app before
 * reading the sink: closing flushes the reports.
 */

let sink: SentrySink;
/** A database that is closed: every query fails, as with a dead connection. */
let deadDatabase: Database;
beforeAll(async () => {
  sink = await startSentrySink();
  deadDatabase = await openPglite(null);
  await deadDatabase.close();
});
beforeEach(() => sink.reset());
afterAll(() => sink.close());

// What a client sends that must never leave: an access token, a cookie, a password, an email.
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZW50cnktdGVzdCJ9.c2lnbmF0dXJlLW5vdC1zZW50';
const COOKIE = 'sid=cookie-value-never-sent';
const PASSWORD = 'Never-Sent-Pa55word';
const secretsOf = (email: string) => [TOKEN, 'cookie-value-never-sent', PASSWORD, email];

const clientHeaders = (requestId: string) => ({
  authorization: `Bearer ${TOKEN}`,
  cookie: COOKIE,
  'x-correlation-id': requestId,
});

// Lessons come from the shared store's cache when another test put them there: not from a dead database.
const NO_LESSON_CACHE = { LESSON_CACHE_TTL_SECONDS: '0' };

const appWithDeadDatabase = (env: Record<string, string> = {}): Promise<TestApp> =>
  createTestApp({ database: deadDatabase, env: { SENTRY_DSN: sink.dsn, ...NO_LESSON_CACHE, ...env } });

const onlyEvent = (): SentryEvent => {
  expect(sink.events).toHaveLength(1);
  return sink.events[0]!;
};

describe('with SENTRY_DSN set', () => {
  it('reports a procedure that fails unexpectedly, with request id, trace id, release and role, and no request data', async () => {
    const email = `${unique('sentry')}@example.com`;
    const app = await appWithDeadDatabase({ RELEASE: 'linguamate-api@9.9.9-test', ROLES: 'api,realtime' });
    let answer: Awaited<ReturnType<typeof trpcCall>>;
    try {
      answer = await trpcCall(
        app,
        'auth.login',
        { email, password: PASSWORD },
        { headers: clientHeaders('sentry-trpc-1') },
      );
    } finally {
      await app.close();
    }

    expect(answer.status).toBe(500);
    const data = answer.items[0]!.error!.json.data;
    const event = onlyEvent();
    expect(event.tags).toEqual({
      requestId: 'sentry-trpc-1',
      traceId: data.traceId,
      role: 'api,realtime',
      procedure: 'auth.login',
      transport: 'http',
    });
    expect(event.contexts?.trace?.trace_id).toBe(data.traceId);
    expect(event).toMatchObject({ release: 'linguamate-api@9.9.9-test', environment: 'test' });
    expect(event.exception?.values?.length).toBeGreaterThan(0);
    for (const field of ['request', 'user', 'breadcrumbs', 'extra']) expect(event).not.toHaveProperty(field);
    // The cause chain, the failed query's message without its parameters (the email).
    expect(event.exception?.values?.map((value) => value.value)).toEqual([
      'PGlite is closed',
      expect.stringMatching(/^Failed query: select .* from "users" where "users"."email" = \$1 limit \$2$/),
    ]);
    for (const secret of secretsOf(email)) expect(sink.raw.join('\n')).not.toContain(secret);
  });

  it('reports a plain route that throws, with its route, and scrubs its message', async () => {
    const email = `${unique('sentry')}@example.com`;
    const app = await createTestApp({ env: { SENTRY_DSN: sink.dsn } });
    // A route that fails the way a bug would, mounted on the real app before its first request.
    app.app.post('/api/__test/save', async (c) => {
      const body = (await c.req.json()) as { email: string; password: string };
      throw new Error(`could not save ${body.email}: password=${body.password}`);
    });
    let response: Response;
    try {
      response = await app.request('/api/__test/save', {
        method: 'POST',
        headers: { ...clientHeaders('sentry-route-1'), 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
    } finally {
      await app.close();
    }

    expect(response.status).toBe(500);
    const body = (await response.json()) as { requestId: string; traceId: string };
    const event = onlyEvent();
    expect(event.tags).toMatchObject({
      requestId: 'sentry-route-1',
      traceId: body.traceId,
      route: '/api/__test/save',
    });
    expect(event.exception?.values?.at(-1)?.value).toBe('could not save [REDACTED]: password=[REDACTED]');
    for (const secret of secretsOf(email)) expect(sink.raw.join('\n')).not.toContain(secret);
  });

  it("reports a procedure called over WebSocket with its connection's request id", async () => {
    const running = await startWsService({
      database: deadDatabase,
      env: { SENTRY_DSN: sink.dsn, ROLES: 'api,realtime', ...NO_LESSON_CACHE },
    });
    const ws = wsTrpcClient(running.wsUrl, null);
    try {
      await expect(ws.client.lessons.getAll.query({})).rejects.toThrow('Internal error');
    } finally {
      ws.close();
      await running.stop();
    }

    const event = onlyEvent();
    expect(event.tags).toMatchObject({
      procedure: 'lessons.getAll',
      transport: 'ws',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('reports nothing for expected errors: not found, invalid input, unauthenticated', async () => {
    const app = await createTestApp({ env: { SENTRY_DSN: sink.dsn } });
    try {
      expect((await app.request('/api/does-not-exist')).status).toBe(404);
      expect((await trpcCall(app, 'lessons.getById', { id: 'no-such-lesson' })).status).toBe(404);
      expect((await trpcCall(app, 'lessons.getAll', { difficulty: 'impossible' })).status).toBe(400);
      expect((await trpcCall(app, 'user.get', undefined)).status).toBe(401);
    } finally {
      await app.close();
    }
    expect(sink.raw).toEqual([]);
  });

  it("reports a job's final failure with the job's name and id, never its payload or a value a database error quotes", async () => {
    const prefix = unique('sentry-jobs');
    const app = await createTestApp({ env: { SENTRY_DSN: sink.dsn, ROLES: 'worker' }, jobsPrefix: prefix });
    const email = `${unique('job')}@example.com`;
    const name = unique('always-fails');
    const failing = defineJob({
      name,
      payload: z.strictObject({ email: z.string() }),
      attempts: 1,
      backoffMs: 10,
      // A data exception: the database's message quotes the value (`invalid input syntax…: "<email>"`).
      async handler(deps, payload) {
        await deps.db.execute(sql`select ${payload.email}::uuid`);
      },
    });
    const queue = usingRedis()
      ? createRedisJobQueue([failing], {
          url: app.deps.env.REDIS_URL!,
          prefix,
          log: app.deps.log,
          failedRetention: 10,
        })
      : createMemoryJobQueue([failing]);
    const runtime = await startJobRuntime(
      [failing],
      { ...app.deps, registry: app.deps.metrics.registry },
      queue,
    );
    let jobId: string | null;
    try {
      jobId = await queue.enqueue(name, { email });
      const deadline = Date.now() + 10_000;
      while ((await listDeadLetters(app.deps.db, name)).length === 0) {
        if (Date.now() > deadline) throw new Error('the job was not dead-lettered in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await runtime.stop(1_000);
      await queue.close();
      await app.close();
    }

    const event = onlyEvent();
    expect(event.tags).toMatchObject({ job: name, jobId, role: 'worker' });
    expect(event.tags).not.toHaveProperty('requestId');
    expect(event.contexts?.database).toMatchObject({ sqlstate: '22P02' });
    expect(event.exception?.values?.map((value) => value.value)).toEqual([
      'data exception',
      'Failed query: select $1::uuid',
    ]);
    expect(sink.raw.join('\n')).not.toContain(email);
  });
});

describe('without SENTRY_DSN', () => {
  it('sets nothing up and sends nothing', async () => {
    const app = await appWithDeadDatabase({ SENTRY_DSN: '' });
    try {
      expect(app.deps.errors.kind).toBe('off');
      expect((await trpcCall(app, 'lessons.getAll', {})).status).toBe(500);
    } finally {
      await app.close();
    }
    expect(sink.raw).toEqual([]);
  });
});
