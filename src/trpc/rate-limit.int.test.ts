import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../test/factories.js';
import { createTestApp, type TestApp, unique, usingRedis } from '../../test/harness.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { trpcCall } from '../../test/trpc-call.js';
import type { PolicyOverrides } from '../lib/rate-limit/limiter.js';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function appWith(policies: PolicyOverrides, options: Parameters<typeof createTestApp>[0] = {}) {
  const t = await createTestApp({ ...options, rateLimits: { policies, ...options.rateLimits } });
  apps.push(t);
  return { t, base: await t.listen() };
}

const hi = (name = 'x'): [string, unknown] => ['example.hi', { name }];
const codesOf = async (base: string, times: number, headers: Record<string, string> = {}) => {
  const codes: string[] = [];
  for (let i = 0; i < times; i++) codes.push(...(await trpcCall(base, [hi()], { headers })).codes);
  return codes;
};

describe('tRPC rate limits', () => {
  it('limits anonymous callers per IP, and answers 429 RATE_LIMITED with the request id', async () => {
    const { t, base } = await appWith({ default: { points: 3 } });
    expect(await codesOf(base, 3)).toEqual(['OK', 'OK', 'OK']);

    const refused = await trpcCall(base, [hi()], { headers: { 'x-correlation-id': 'rate-limit-test-1' } });
    expect(refused.response.status).toBe(429);
    const error = refused.items[0]?.error?.json;
    expect(error?.data).toMatchObject({
      errorCode: 'RATE_LIMITED',
      httpStatus: 429,
      requestId: 'rate-limit-test-1',
    });
    expect(error?.message).toMatch(/Try again in \d+ second/);

    // A signed-in caller from the same address spends a budget of their own.
    const user = await createUser(t);
    expect(await codesOf(base, 1, { authorization: user.authorization })).toEqual(['OK']);
  });

  it('limits signed-in callers per user: two users never share a budget', async () => {
    const { t, base } = await appWith({ default: { points: 2 } });
    const [alice, bob] = [await createUser(t), await createUser(t)];
    expect(await codesOf(base, 3, { authorization: alice.authorization })).toEqual([
      'OK',
      'OK',
      'RATE_LIMITED',
    ]);
    expect(await codesOf(base, 2, { authorization: bob.authorization })).toEqual(['OK', 'OK']);
    // Anonymous callers of that address are counted apart from both.
    expect(await codesOf(base, 2)).toEqual(['OK', 'OK']);
  });

  it('counts each procedure of a batch against its own policy', async () => {
    const { base } = await appWith({ default: { points: 4 }, 'login-ip': { points: 2 } });
    // Invalid login input: the limit is spent before the input is parsed, so no password is checked.
    const login: [string, unknown] = ['auth.login', { email: 'not-an-email', password: 'x' }];
    const batch = await trpcCall(base, [hi(), login, hi(), login, hi(), login]);
    const his = batch.codes.filter((_, index) => index % 2 === 0);
    const logins = batch.codes.filter((_, index) => index % 2 === 1);
    expect(his).toEqual(['OK', 'OK', 'OK']);
    expect(logins.sort()).toEqual(['RATE_LIMITED', 'VALIDATION_ERROR', 'VALIDATION_ERROR']);
    // The default budget had one point left: the logins did not spend it.
    expect(await codesOf(base, 2)).toEqual(['OK', 'RATE_LIMITED']);
  });

  it('spends a batch’s points together yet refuses exactly the calls past the budget', async () => {
    const { base } = await appWith({ default: { points: 4 } });
    const first = await trpcCall(base, [hi(), hi(), hi()]);
    expect(first.codes).toEqual(['OK', 'OK', 'OK']);
    expect(first.response.headers.get('ratelimit-remaining')).toBe('1');
    // One point left: the first call of the next batch has it, an unknown procedure spends nothing.
    const second = await trpcCall(base, [hi(), ['example.nope', {}], hi(), hi()], { type: 'mutation' });
    expect(second.codes).toEqual(['OK', 'NOT_FOUND', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(second.response.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('limits email code operations per address', async () => {
    const { base } = await appWith({ 'email-code-account': { points: 2 } });
    const email = `${unique('reset')}@example.com`;
    const reset = (address: string) =>
      trpcCall(base, 'auth.requestPasswordReset', { email: address }).then((answer) => answer.codes[0]);
    expect([await reset(email), await reset(email), await reset(email.toUpperCase())]).toEqual([
      'OK',
      'OK',
      'RATE_LIMITED',
    ]);
    expect(await reset(`other-${email}`)).toBe('OK');
  });

  it('forgets spent points when the window ends', async () => {
    const { base } = await appWith({ default: { points: 1, durationSeconds: 1 } });
    expect(await codesOf(base, 2)).toEqual(['OK', 'RATE_LIMITED']);
    await sleep(1_100);
    expect(await codesOf(base, 1)).toEqual(['OK']);
  });

  it('never limits health and metrics', async () => {
    const { base } = await appWith({ default: { points: 1 } });
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${base}/api/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    }
  });

  it.runIf(usingRedis())('shares budgets between instances through Redis', async () => {
    const keyPrefix = unique('rl-shared');
    const first = await appWith({ default: { points: 2 } }, { rateLimits: { keyPrefix } });
    const second = await appWith({ default: { points: 2 } }, { rateLimits: { keyPrefix } });
    expect(await codesOf(first.base, 1)).toEqual(['OK']);
    expect(await codesOf(second.base, 2)).toEqual(['OK', 'RATE_LIMITED']);
  });

  it.runIf(usingRedis())(
    'keeps limiting in process when Redis is unreachable, logging and counting the fallback',
    async () => {
      const target = new URL(inject('redisUrl')!);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      const viaProxy = new URL(target);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const { t, base } = await appWith(
        { default: { points: 2 } },
        { env: { REDIS_URL: viaProxy.toString() } },
      );
      expect(t.deps.rateLimits.storeKind).toBe('redis');
      expect(await codesOf(base, 3)).toEqual(['OK', 'OK', 'RATE_LIMITED']);

      await proxy.cut();
      // A fresh in-process count: the budget applies again, per instance.
      expect(await codesOf(base, 3)).toEqual(['OK', 'OK', 'RATE_LIMITED']);

      const fallbackLines = t.logs.lines.filter((line) =>
        String(line.msg).startsWith('rate limit store unreachable'),
      );
      expect(fallbackLines).toHaveLength(1);
      expect(fallbackLines[0]).toMatchObject({ level: 'warn', policy: 'default' });
      const metric = await t.deps.metrics.registry.getSingleMetricAsString(
        'rate_limit_store_fallbacks_total',
      );
      expect(metric).toContain('rate_limit_store_fallbacks_total{policy="default"} 3');
    },
  );
});
