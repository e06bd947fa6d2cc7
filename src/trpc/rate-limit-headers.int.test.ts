import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import type { PolicyOverrides } from '../lib/rate-limit/limiter.js';

/** The HTTP side of tRPC rate limits: headers written by app.ts, client IPs behind trusted proxies. */

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function appWith(policies: PolicyOverrides, env: Record<string, string> = {}) {
  const t = await createTestApp({ env, rateLimits: { policies } });
  apps.push(t);
  return { t, base: await t.listen() };
}

const hi: [string, unknown] = ['example.hi', { name: 'x' }];
const rateLimitHeadersOf = (response: Response) =>
  Object.fromEntries(
    ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'].map((name) => [
      name,
      response.headers.get(name),
    ]),
  );

describe('rate limit headers on tRPC responses', () => {
  it('carries RateLimit-* on every answer and Retry-After on the 429', async () => {
    const { base } = await appWith({ default: { points: 2, durationSeconds: 60 } });
    const first = await trpcCall(base, [hi]);
    expect(rateLimitHeadersOf(first.response)).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
      'retry-after': null,
    });
    const reset = Number(first.response.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);

    await trpcCall(base, [hi]);
    const refused = await trpcCall(base, [hi]);
    expect(refused.response.status).toBe(429);
    expect(refused.codes).toEqual(['RATE_LIMITED']);
    expect(refused.items[0]?.error?.json.data.requestId).toBe(
      refused.response.headers.get('x-correlation-id'),
    );
    expect(rateLimitHeadersOf(refused.response)).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
    });
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('describes the tightest policy of a batch', async () => {
    const { base } = await appWith({ default: { points: 10 }, 'login-ip': { points: 2 } });
    const login: [string, unknown] = ['auth.login', { email: 'not-an-email', password: 'x' }];
    const batch = await trpcCall(base, [hi, login, hi]);
    expect(batch.codes).toEqual(['OK', 'VALIDATION_ERROR', 'OK']);
    expect(rateLimitHeadersOf(batch.response)).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
    });
  });

  it('of policies with as many points left, describes the one that resets last', async () => {
    const { base } = await appWith({
      default: { points: 5, durationSeconds: 60 },
      'login-ip': { points: 5, durationSeconds: 600 },
    });
    const login: [string, unknown] = ['auth.login', { email: 'not-an-email', password: 'x' }];
    const batch = await trpcCall(base, [hi, login]);
    expect(batch.codes).toEqual(['OK', 'VALIDATION_ERROR']);
    expect(rateLimitHeadersOf(batch.response)).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '4',
    });
    expect(Number(batch.response.headers.get('ratelimit-reset'))).toBeGreaterThan(60);
  });

  it('includes a per-account budget spent inside the service', async () => {
    const { base } = await appWith({ 'email-code-account': { points: 3 } });
    const reset = await trpcCall(base, 'auth.requestPasswordReset', { email: 'someone@example.com' });
    expect(reset.codes).toEqual(['OK']);
    expect(rateLimitHeadersOf(reset.response)).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
    });
  });
});

describe('client IP behind proxies', () => {
  const fromClient = (base: string, ip: string) =>
    trpcCall(base, [hi], { headers: { 'x-forwarded-for': ip } });

  it('counts per X-Forwarded-For client when the peer is a trusted proxy', async () => {
    const { base } = await appWith({ default: { points: 1 } }, { TRUSTED_PROXIES: '127.0.0.1' });
    expect((await fromClient(base, '203.0.113.7')).codes).toEqual(['OK']);
    expect((await fromClient(base, '203.0.113.7')).codes).toEqual(['RATE_LIMITED']);
    expect((await fromClient(base, '203.0.113.8')).codes).toEqual(['OK']);
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', async () => {
    const { base } = await appWith({ default: { points: 1 } }, { TRUSTED_PROXIES: '10.0.0.0/8' });
    expect((await fromClient(base, '203.0.113.7')).codes).toEqual(['OK']);
    expect((await fromClient(base, '203.0.113.8')).codes).toEqual(['RATE_LIMITED']);
  });
});
