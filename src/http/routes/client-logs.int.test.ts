import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';
import { clientLogs } from '../../db/schema/index.js';

const KEY = 'log-signing-key-for-tests-0123';
const PATH = '/api/ingest/logs';

let signed: TestApp;
let unsigned: TestApp;
beforeAll(async () => {
  [signed, unsigned] = await Promise.all([
    createTestApp({ env: { LOG_INGEST_SIGNING_KEY: KEY } }),
    createTestApp(),
  ]);
});
afterAll(() => Promise.all([signed.close(), unsigned.close()]));

type Entry = Record<string, unknown>;

/** An entry of a category of the test's own, so the test finds exactly its rows. */
const entry = (cat: string, extra: Entry = {}): Entry => ({
  ts: new Date().toISOString(),
  lvl: 'INFO',
  cat,
  evt: 'screen_view',
  msg: 'opened the lessons screen',
  ...extra,
});

/** HMAC-SHA256 hex of the contract's signed value, computed here independently of the service. */
const hmacOf = (logs: unknown, ts: string, key = KEY) =>
  createHmac('sha256', key)
    .update(JSON.stringify({ items: logs, ts }))
    .digest('hex');

function post(app: TestApp, body: unknown, headers: Record<string, string> = {}) {
  return app.request(PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function sendSigned(
  app: TestApp,
  logs: Entry[],
  options: { key?: string; ts?: string; headers?: Record<string, string> } = {},
) {
  const ts = options.ts ?? new Date().toISOString();
  return post(
    app,
    { logs, sig: { hmac: hmacOf(logs, ts, options.key), algo: 'HMAC-SHA256', ts } },
    options.headers,
  );
}

const rowsOf = (app: TestApp, category: string) =>
  app.deps.db.select().from(clientLogs).where(eq(clientLogs.category, category));

async function counter(app: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await app.deps.metrics.registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((sample) =>
    Object.entries(labels).every(([label, expected]) => sample.labels[label] === expected),
  );
  return value?.value ?? 0;
}

describe('POST /api/ingest/logs: storing', () => {
  it('stores a signed batch with its levels, device, caller and correlation ids, and re-emits it', async () => {
    const cat = unique('cat');
    const { user, authorization } = await createUser(signed);
    const logs = [
      entry(cat, {
        lvl: 'TRACE',
        device: { appVer: '2.3.1', platform: 'ios', model: 'iPhone15,2' },
        corr: { correlationId: 'client-corr-1', sessionId: 'sess-1' },
      }),
      entry(cat, { lvl: 'NOTICE', data: { screen: 'lessons', attempt: 2, nested: { ok: true } } }),
      entry(cat, { lvl: 'security', evt: 'jailbreak_detected', msg: 'device integrity check failed' }),
      entry(cat, { lvl: 'FATAL', ts: Date.now() - 1_000 }),
    ];
    const securityBefore = await counter(signed, 'client_logs_ingested_total', { level: 'security' });

    const response = await sendSigned(signed, logs, { headers: { authorization } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, count: 4 });
    const requestId = response.headers.get('x-correlation-id')!;

    const rows = await rowsOf(signed, cat);
    expect(rows.map((row) => row.level).sort()).toEqual(['fatal', 'notice', 'security', 'trace']);
    for (const row of rows) {
      expect(row).toMatchObject({ userId: user.id, requestId });
      expect(Math.abs(row.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    const byLevel = Object.fromEntries(rows.map((row) => [row.level, row]));
    expect(byLevel.trace).toMatchObject({
      appVersion: '2.3.1',
      platform: 'ios',
      correlationId: 'client-corr-1',
      sessionId: 'sess-1',
      device: { appVer: '2.3.1', platform: 'ios', model: 'iPhone15,2' },
    });
    expect(byLevel.notice).toMatchObject({
      correlationId: requestId,
      appVersion: null,
      data: { screen: 'lessons', attempt: 2, nested: { ok: true } },
    });
    expect(byLevel.security).toMatchObject({ event: 'jailbreak_detected', data: {} });
    expect(byLevel.fatal!.ts.getTime()).toBe(logs[3]!.ts);

    const lines = signed.logs.withRequestId(requestId).filter((line) => line.evt === 'client_log');
    const levelOf = (evt: string, lvl: string) =>
      lines.find((line) => (line.client as Entry).evt === evt && (line.client as Entry).lvl === lvl)?.level;
    expect(levelOf('screen_view', 'NOTICE')).toBe('info');
    expect(levelOf('screen_view', 'FATAL')).toBe('fatal');
    // TRACE goes out at debug, below the test's LOG_LEVEL (info).
    expect(levelOf('screen_view', 'TRACE')).toBeUndefined();
    const security = lines.find((line) => line.lvl === 'SECURITY');
    expect(security).toMatchObject({
      level: 'error',
      cat: 'security',
      securityEvent: 'jailbreak_detected',
      correlationId: requestId,
      msg: 'device integrity check failed',
    });
    expect(await counter(signed, 'client_logs_ingested_total', { level: 'security' })).toBe(
      securityBefore + 1,
    );
  });

  it('stores an anonymous batch when the access token is missing or not valid', async () => {
    const cat = unique('cat');
    const response = await post(unsigned, { logs: [entry(cat)] }, { authorization: 'Bearer not-a-token' });
    expect(response.status).toBe(200);
    expect((await rowsOf(unsigned, cat)).map((row) => row.userId)).toEqual([null]);
  });

  it('redacts credentials and personal data from what it stores and what it logs', async () => {
    const cat = unique('cat');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVl';
    const email = `${unique('learner')}@example.com`;
    const logs = [
      entry(cat, {
        lvl: 'ERROR',
        msg: `sign-in failed for ${email} password=Hunter-2-secret token ${jwt} call +44 20 7946 0958`,
        data: {
          password: 'Hunter-2-secret',
          headers: { Authorization: `Bearer ${jwt}` },
          contact: email,
          url: `https://api.example.com/cb?access_token=opaque-value-123&lang=es`,
          card: '4111 1111 1111 1111',
        },
      }),
    ];
    const response = await post(unsigned, { logs });
    expect(response.status).toBe(200);
    const [row] = await rowsOf(unsigned, cat);
    const stored = JSON.stringify(row);
    for (const secret of [email, 'Hunter-2-secret', jwt, 'opaque-value-123', '4111', '7946']) {
      expect(stored).not.toContain(secret);
    }
    expect(row!.message).toBe(
      'sign-in failed for [REDACTED] password=[REDACTED] token [REDACTED] call [REDACTED]',
    );
    expect(row!.data).toEqual({
      password: '[REDACTED]',
      headers: { Authorization: '[REDACTED]' },
      contact: '[REDACTED]',
      url: 'https://api.example.com/cb?access_token=[REDACTED]&lang=es',
      card: '[REDACTED]',
    });
    const logged = unsigned.logs.withRequestId(response.headers.get('x-correlation-id')!);
    expect(logged.some((line) => line.evt === 'client_log')).toBe(true);
    const text = JSON.stringify(logged);
    for (const secret of [email, 'Hunter-2-secret', jwt, 'opaque-value-123'])
      expect(text).not.toContain(secret);
  });
});

describe('POST /api/ingest/logs: refusals', () => {
  it.each([
    ['not JSON', '{"logs":['],
    ['no logs', { sig: undefined }],
    ['an unknown level', { logs: [entry('c', { lvl: 'LOUD' })] }],
    ['no level', { logs: [{ ...entry('c'), lvl: undefined }] }],
    ['a bad timestamp', { logs: [entry('c', { ts: 'yesterday' })] }],
    ['too many entries', { logs: Array.from({ length: 101 }, () => entry('c')) }],
    ['a message too long', { logs: [entry('c', { msg: 'x'.repeat(4_001) })] }],
    ['a context that is not an object', { logs: [entry('c', { data: ['a'] })] }],
    ['a context too deep', { logs: [entry('c', { data: { a: { b: { c: { d: { e: { f: 1 } } } } } } })] }],
    ['a context too large', { logs: [entry('c', { data: { blob: 'x'.repeat(9_000) } })] }],
    ['a NUL in the context', { logs: [entry('c', { data: { note: 'a\u0000b' } })] }],
    ['a body nested far too deep', `{"logs":[{"data":${'['.repeat(5_000)}${']'.repeat(5_000)}}]}`],
    ['another algorithm', { logs: [], sig: { hmac: 'ab', algo: 'HMAC-SHA1', ts: new Date().toISOString() } }],
  ])('answers 400 VALIDATION_ERROR with the request id for %s', async (_case, body) => {
    const before = await counter(unsigned, 'client_log_batches_rejected_total', { reason: 'invalid' });
    const response = await post(unsigned, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Invalid log batch format',
      requestId: response.headers.get('x-correlation-id'),
    });
    expect(await counter(unsigned, 'client_log_batches_rejected_total', { reason: 'invalid' })).toBe(
      before + 1,
    );
  });

  it('names the fields at fault and stores none of the batch', async () => {
    const cat = unique('cat');
    const response = await post(unsigned, { logs: [entry(cat), entry(cat, { evt: 42 })] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string }[] };
    expect(body.issues.map((issue) => issue.path)).toEqual(['logs.1.evt']);
    expect(await rowsOf(unsigned, cat)).toEqual([]);
  });

  it('answers 413 past the body limit, declared or streamed, before storing anything', async () => {
    const cat = unique('cat');
    const body = JSON.stringify({
      logs: [entry(cat, { msg: 'x'.repeat(3_000) })],
      padding: 'x'.repeat(100_000),
    });
    const before = await counter(unsigned, 'client_log_batches_rejected_total', { reason: 'too_large' });
    const declared = await post(unsigned, body, { 'content-length': String(Buffer.byteLength(body)) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });

    const base = await unsigned.listen();
    const bytes = new TextEncoder().encode(body);
    const streamed = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 16_384)
            controller.enqueue(bytes.slice(offset, offset + 16_384));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await rowsOf(unsigned, cat)).toEqual([]);
    expect(await counter(unsigned, 'client_log_batches_rejected_total', { reason: 'too_large' })).toBe(
      before + 2,
    );
  });

  it('answers 400 CLOCK_SKEW for a signature more than 5 minutes off, either way', async () => {
    const cat = unique('cat');
    for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
      const ts = new Date(Date.now() + offsetMs).toISOString();
      const response = await sendSigned(signed, [entry(cat)], { ts });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'CLOCK_SKEW', message: 'Clock skew too large' });
      // Without a key the timestamp is still held to the server's clock.
      expect((await sendSigned(unsigned, [entry(cat)], { ts })).status).toBe(400);
    }
    expect(await rowsOf(signed, cat)).toEqual([]);
    const close = new Date(Date.now() - 4 * 60_000).toISOString();
    expect((await sendSigned(signed, [entry(cat)], { ts: close })).status).toBe(200);
  });

  it('answers 401 for a missing, wrong or tampered signature when a key is configured', async () => {
    const cat = unique('cat');
    const before = await counter(signed, 'client_log_batches_rejected_total', { reason: 'signature' });
    const logs = [entry(cat)];
    const ts = new Date().toISOString();
    const attempts = [
      post(signed, { logs }),
      sendSigned(signed, logs, { key: `${KEY}x` }),
      post(signed, {
        logs: [entry(cat, { msg: 'changed' })],
        sig: { hmac: hmacOf(logs, ts), algo: 'HMAC-SHA256', ts },
      }),
      post(signed, { logs, sig: { hmac: hmacOf(logs, ts).slice(0, 63), algo: 'HMAC-SHA256', ts } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'Invalid signature',
        requestId: response.headers.get('x-correlation-id'),
      });
    }
    expect(await rowsOf(signed, cat)).toEqual([]);
    expect(await counter(signed, 'client_log_batches_rejected_total', { reason: 'signature' })).toBe(
      before + 4,
    );
    // Signed as the app signs: the entries exactly as sent, keys in their order, unknown keys included.
    const appOrder = [{ msg: 'hello', extra: 'kept for the signature', evt: 'e', cat, lvl: 'WARN', ts }];
    expect((await sendSigned(signed, appOrder)).status).toBe(200);
    expect(await rowsOf(signed, cat)).toHaveLength(1);
  });

  it('accepts unsigned or wrongly signed batches when no key is configured', async () => {
    const cat = unique('cat');
    expect((await post(unsigned, { logs: [entry(cat)] })).status).toBe(200);
    expect((await sendSigned(unsigned, [entry(cat)], { key: 'whatever-the-app-has' })).status).toBe(200);
    expect(await rowsOf(unsigned, cat)).toHaveLength(2);
  });

  it('answers 429 with Retry-After past the client-logs budget, per caller', async () => {
    const limited = await createTestApp({ rateLimits: { policies: { 'client-logs': { points: 2 } } } });
    try {
      const cat = unique('cat');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(limited, { logs: [entry(cat)] })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const refused = await post(limited, { logs: [entry(cat)] });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED', requestId: expect.any(String) });
      expect(await rowsOf(limited, cat)).toHaveLength(2);
      expect(await counter(limited, 'client_log_batches_rejected_total', { reason: 'rate_limited' })).toBe(2);

      // A signed-in caller spends a budget of their own.
      const { authorization } = await createUser(limited);
      expect((await post(limited, { logs: [entry(cat)] }, { authorization })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
