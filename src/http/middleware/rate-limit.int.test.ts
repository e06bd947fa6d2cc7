import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createRateLimit } from './rate-limit.js';

let t: TestApp;
beforeAll(async () => {
  // The real app and limiters of a test app (Redis when the run has it), with a small ingest budget, and a
  // plain route behind the middleware, keyed by a header so each test has its own budget.
  t = await createTestApp({ rateLimits: { policies: { ingest: { points: 2 } } } });
  t.app.use(
    '/api/__test/ingest',
    createRateLimit({
      limits: t.deps.rateLimits,
      policy: 'ingest',
      resolveKey: (c) => `ip:${c.req.header('x-test-client')}`,
    }),
  );
  t.app.post('/api/__test/ingest', (c) => c.json({ accepted: true }));
  t.app.on('OPTIONS', '/api/__test/ingest', (c) => c.body(null, 204));
});
afterAll(() => t.close());

describe('createRateLimit', () => {
  it('sends RateLimit-* headers and answers 429 with the error envelope and Retry-After past the budget', async () => {
    const post = (client: string) =>
      t.request('/api/__test/ingest', {
        method: 'POST',
        headers: { 'x-test-client': client, 'x-correlation-id': 'rl-1' },
      });

    const first = await post('a');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(first.headers.get('retry-after')).toBeNull();
    expect((await post('a')).status).toBe(200);

    const refused = await post('a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-correlation-id')).toBe('rl-1');
    expect(await refused.json()).toEqual({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/Try again in \d+ second/),
      requestId: 'rl-1',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    expect((await post('b')).status).toBe(200);
  });

  it('lets CORS preflights through without spending the budget', async () => {
    for (let i = 0; i < 3; i++) {
      const preflight = await t.request('/api/__test/ingest', {
        method: 'OPTIONS',
        headers: { 'x-test-client': 'c' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('ratelimit-limit')).toBeNull();
    }
    const post = await t.request('/api/__test/ingest', { method: 'POST', headers: { 'x-test-client': 'c' } });
    expect(post.headers.get('ratelimit-remaining')).toBe('1');
  });
});
