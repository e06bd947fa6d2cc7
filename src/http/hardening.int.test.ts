import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import { auditEvents } from '../db/schema/index.js';
import { createResponseHeaders } from './edge/security-headers.js';

const ALLOWED = 'https://app.linguamate.test';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CORS_ORIGINS: `${ALLOWED},https://www.linguamate.test` } });
});
afterAll(() => t.close());

describe('CORS', () => {
  it('answers an allowed preflight with the origin, credentials and a cache age', async () => {
    const response = await t.request('/api/trpc/auth.login?batch=1', {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('gives a disallowed origin no CORS headers at all, preflight or not', async () => {
    const preflight = await t.request('/api/trpc/auth.login?batch=1', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    const simple = await t.request('/api/info', { headers: { origin: 'https://evil.example' } });
    for (const response of [preflight, simple]) {
      const corsHeaders = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
      expect(corsHeaders).toEqual([]);
    }
  });

  it('echoes an allowed origin on actual requests and leaves requests without Origin alone', async () => {
    const allowed = await t.request('/api/info', { headers: { origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-correlation-id');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const native = await t.request('/api/info');
    expect(native.headers.get('access-control-allow-origin')).toBeNull();
    // A preflight-looking OPTIONS without Origin is not CORS: no route answers it, in JSON.
    const noOrigin = await t.request('/api/info', { method: 'OPTIONS' });
    expect(noOrigin.status).toBe(404);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS open to any origin (CORS_ORIGINS=*, refused in production)', () => {
  it('answers every origin with *, never with credentials', async () => {
    const open = await createTestApp({ env: { CORS_ORIGINS: '*' } });
    try {
      const origin = 'https://anywhere.example';
      const preflight = await open.request('/api/trpc/auth.login?batch=1', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      const simple = await open.request('/api/info', { headers: { origin } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(simple.headers.get('access-control-expose-headers')).toContain('x-correlation-id');
      for (const response of [preflight, simple]) {
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    } finally {
      await open.close();
    }
  });
});

describe('security headers', () => {
  const expectHardened = (response: Response, where: string) => {
    expect(response.headers.get('content-security-policy'), where).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
    expect(response.headers.get('referrer-policy'), where).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy'), where).toBe('same-origin');
    expect(response.headers.get('cross-origin-resource-policy'), where).toBe('same-origin');
    expect(response.headers.get('permissions-policy'), where).toContain('camera=()');
    expect(response.headers.get('x-correlation-id'), where).toBeTruthy();
    expect(response.headers.get('server'), where).toBeNull();
    expect(response.headers.get('x-powered-by'), where).toBeNull();
  };

  it('are on one route of every family, errors and 404s included, over a real socket', async () => {
    const base = await t.listen();
    const requests: [string, RequestInit?][] = [
      ['/api'],
      ['/api/info'],
      ['/api/health/live'],
      ['/api/health/ready'],
      ['/api/health'],
      ['/metrics'],
      ['/api/webhooks/revenuecat', { method: 'POST', body: '{}' }],
      ['/api/nothing-here'],
      ['/elsewhere'],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${base}${path}`, init);
      expectHardened(response, `${init?.method ?? 'GET'} ${path} (${response.status})`);
      await response.arrayBuffer();
    }
    const calls: [string, unknown][] = [
      ['lessons.getAll', { language: 'fr' }],
      ['lessons.getById', { id: 'missing' }],
      ['user.get', {}],
      ['example.hi', { name: 'x' }],
    ];
    for (const [path, input] of calls) {
      const { response } = await trpcCall(base, path, input);
      expectHardened(response, `tRPC ${path} (${response.status})`);
    }
  });

  it('are on a 500 as well', async () => {
    const own = await createTestApp();
    try {
      own.app.get('/api/__test/boom', () => {
        throw new Error('boom');
      });
      const response = await own.request('/api/__test/boom');
      expect(response.status).toBe(500);
      expectHardened(response, '500');
    } finally {
      await own.close();
    }
  });

  it('add HSTS only when asked to (production)', () => {
    expect(createResponseHeaders({ hsts: true })('id-1')['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(createResponseHeaders({ hsts: false })('id-1')).not.toHaveProperty('strict-transport-security');
  });
});

describe('request size limits', () => {
  it('refuses a tRPC batch above the maximum size', async () => {
    const calls = (count: number) =>
      Array.from({ length: count }, (): [string, unknown] => ['lessons.getById', { id: 'alphabet-basics' }]);
    const response = await trpcCall(t, calls(21));
    expect(response.status).toBe(400);
    const ok = await trpcCall(t, calls(20));
    expect(ok.status).toBe(200);
  });

  it('refuses an oversized JSON body with 413 from its declared length', async () => {
    // Over a socket: fetch declares the Content-Length, which a body handed to app.request lacks.
    const answer = await trpcCall(
      await t.listen(),
      'example.hi',
      { name: 'x'.repeat(200_000) },
      { headers: { 'x-correlation-id': 'big-1' } },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: 'big-1' });
  });

  it('stops reading a chunked body that grows past the limit, before it ends', async () => {
    const base = await t.listen();
    const url = new URL(base);
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'POST /api/trpc/example.hi?batch=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = 'x'.repeat(16_384);
    let sent = 0;
    // Never finish the body: the answer must come once the limit is crossed, not at the end of the upload.
    while (sent < 300_000 && chunks.length === 0) {
      socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      sent += piece.length;
      await sleep(5);
    }
    await expect.poll(() => Buffer.concat(chunks).toString(), { timeout: 5_000 }).toContain('413');
    expect(sent).toBeLessThan(300_000);
    socket.destroy();
    await closed;
  });

  it('refuses oversized headers with 431', async () => {
    const base = await t.listen();
    const response = await fetch(`${base}/api/info`, { headers: { 'x-filler': 'y'.repeat(20_000) } });
    expect(response.status).toBe(431);
    // Just under the limit still works.
    expect((await fetch(`${base}/api/info`, { headers: { 'x-filler': 'y'.repeat(15_000) } })).status).toBe(
      200,
    );
  });
});

describe('connection limits', () => {
  it('cuts a client that trickles its headers (slow-loris) at the headers timeout', async () => {
    // Through the configuration, so the test covers how env.ts values reach the server.
    const own = await createTestApp({
      env: { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000' },
    });
    try {
      const url = new URL(await own.listen());
      const socket = net.connect(Number(url.port), url.hostname);
      const closedAt = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
      socket.on('error', () => undefined);
      const started = Date.now();
      socket.write('GET /api/info HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), 100);
      const ended = await closedAt;
      clearInterval(trickle);
      expect(ended - started).toBeLessThan(3_000);
    } finally {
      await own.close();
    }
  });

  it('accepts no more than the maximum number of connections', async () => {
    const own = await createTestApp({ env: { HTTP_MAX_CONNECTIONS: '2' } });
    const sockets: net.Socket[] = [];
    try {
      const url = new URL(await own.listen());
      const open = () =>
        new Promise<net.Socket>((resolve) => {
          const socket = net.connect(Number(url.port), url.hostname, () => resolve(socket));
          socket.on('error', () => undefined);
          sockets.push(socket);
        });
      await open();
      await open();
      const third = await open();
      const closed = await new Promise<boolean>((resolve) => {
        third.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 2_000);
      });
      expect(closed).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await own.close();
    }
  });
});

describe('request deadline', () => {
  it('answers a request that outlives its deadline with a JSON 504 carrying the request id', async () => {
    const own = await createTestApp({ env: { REQUEST_DEADLINE_MS: '200', UPLOAD_DEADLINE_MS: '1000' } });
    try {
      own.app.get('/api/__test/slow', async (c) => {
        await sleep(1_000);
        return c.json({ late: true });
      });
      own.app.get('/api/__test/quick', (c) => c.json({ ok: true }));
      own.app.get('/api/stt/__test/slow', async (c) => {
        await sleep(400);
        return c.json({ uploaded: true });
      });
      const started = Date.now();
      const response = await own.request('/api/__test/slow', { headers: { 'x-correlation-id': 'slow-1' } });
      expect(Date.now() - started).toBeLessThan(900);
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ code: 'TIMEOUT', requestId: 'slow-1' });
      expect((await own.request('/api/__test/quick')).status).toBe(200);
      // Uploads have a deadline of their own (here 1 s), so a 400 ms upload completes.
      expect((await own.request('/api/stt/__test/slow')).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('rolls back the transaction of a request abandoned at its deadline, and starts no new one', async () => {
    const own = await createTestApp({ env: { REQUEST_DEADLINE_MS: '200' } });
    const marker = `deadline-${randomUUID()}`;
    const outcomes: Promise<unknown>[] = [];
    try {
      own.app.post('/api/__test/slow-write', async (c) => {
        const slow = own.deps.db.transaction(async (tx) => {
          await tx.insert(auditEvents).values({ event: `${marker}-running`, severity: 'low' });
          await sleep(500);
        });
        outcomes.push(slow);
        await slow.catch(() => undefined);
        const late = own.deps.db.transaction(async (tx) => {
          await tx.insert(auditEvents).values({ event: `${marker}-late`, severity: 'low' });
        });
        outcomes.push(late);
        await late;
        return c.json({ written: true });
      });
      const response = await own.request('/api/__test/slow-write', { method: 'POST' });
      expect(response.status).toBe(504);
      await expect.poll(() => outcomes.length, { timeout: 3_000 }).toBe(2);
      for (const outcome of outcomes) await expect(outcome).rejects.toMatchObject({ code: 'TIMEOUT' });
      const rows = await own.deps.db
        .select({ event: auditEvents.event })
        .from(auditEvents)
        .where(like(auditEvents.event, `${marker}%`));
      expect(rows).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
