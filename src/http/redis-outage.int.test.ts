import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../test/fake-provider.js';
import { createTestApp, type TestApp, unique, usingRedis } from '../../test/harness.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { type TrpcCallOptions, trpcCall } from '../../test/trpc-call.js';
import { markRevoked } from '../modules/auth/sessions.js';
import { recordActivity } from '../modules/gamification/service.js';
import { boardFor } from '../modules/leaderboard/board.js';
import { applyRankingUpdate, boardKey, boardScores } from '../modules/leaderboard/boards.js';

/**
 * Redis lost and found again, through a real TCP proxy the test cuts and restores: the instance stays
 * ready and serves degraded (never a 500), and everything resumes by itself once Redis answers again.
 */

type Proxy = Awaited<ReturnType<typeof startTcpProxy>>;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

const viaProxy = (proxy: Proxy) => {
  const url = new URL(inject('redisUrl')!);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
};

const logLines = (t: TestApp, prefix: string) =>
  t.logs.lines.filter((line) => String(line.msg).startsWith(prefix));

describe.runIf(usingRedis())('without Redis', () => {
  let proxy: Proxy;
  let t: TestApp;
  let base: string;
  let direct: Redis;
  let namespace: string;
  let fake: FakeProvider;
  /** Every HTTP status answered while Redis was away: none may be a 500. */
  const statuses: number[] = [];

  const call = async (path: string, input?: unknown, options?: TrpcCallOptions) => {
    const answer = await trpcCall(base, path, input, options);
    statuses.push(answer.status);
    return answer;
  };
  const as = (user: TestUser) => ({ headers: { authorization: user.authorization } });

  /** Records XP as a lesson would, then updates the rankings as the service does. */
  async function earn(user: TestUser, amount: number) {
    const outcome = await t.deps.db.transaction((tx) =>
      recordActivity(
        { db: tx },
        {
          userId: user.user.id,
          at: new Date(),
          timeZone: 'UTC',
          language: 'es',
          xp: [{ amount, source: 'lesson', refId: 'redis-outage-test' }],
          lessonsCompleted: 0,
        },
      ),
    );
    await applyRankingUpdate(t.deps, outcome.rankings);
  }
  const allTimeXp = () => boardFor('xp', 'all', new Date());

  beforeAll(async () => {
    const target = new URL(inject('redisUrl')!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    direct = new Redis(inject('redisUrl')!);
    namespace = unique('lb-outage');
    fake = await startFakeProvider();
    fake.reply = () => JSON.stringify({ translation: 'Hola, amigo', confidence: 0.8 });
    t = await createTestApp({
      env: {
        REDIS_URL: viaProxy(proxy),
        AI_BASE_URL: fake.url,
        AI_API_KEY: 'sk-test-outage-key-123',
        TRUSTED_PROXIES: 'loopback',
      },
      rateLimits: { policies: { default: { points: 3 } } },
      rankingNamespace: namespace,
    });
    base = await t.listen();
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.cut();
    await fake?.close();
    direct?.disconnect();
  });

  it('stays ready and serves degraded while Redis is cut, then resumes by itself', async () => {
    const [alice, bob, carol, dave] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    await earn(alice, 10);
    expect(await boardScores(t.deps, allTimeXp(), [alice.user.id])).toEqual([10]);
    expect(await direct.zscore(boardKey(t.deps, allTimeXp()), alice.user.id)).toBe('10');
    expect(((await (await t.request('/api/health')).json()) as { status: string }).status).toBe('ok');

    await proxy.cut();
    await until(() => !t.deps.store.availability.up, 'the store notices the loss');

    // Readiness: only the database and migrations make an instance useless.
    const ready = await t.request('/api/health/ready');
    statuses.push(ready.status);
    expect(ready.status).toBe(200);
    const started = performance.now();
    const health = await t.request('/api/health');
    expect(performance.now() - started).toBeLessThan(500);
    statuses.push(health.status);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      degraded: ['redis'],
      dependencies: { redis: { ok: false } },
    });

    // Sign-in, refresh and a protected call work.
    const login = await call('auth.login', { email: alice.user.email, password: alice.password });
    expect(login.codes).toEqual(['OK']);
    const refreshed = await call('auth.refreshToken', { refreshToken: alice.refreshToken });
    expect(refreshed.codes).toEqual(['OK']);
    expect((await call('user.getProfile', undefined, as(alice))).codes).toEqual(['OK']);

    // A session revoked now is still refused: the database answers for the revocation marks.
    expect((await call('auth.logout', undefined, as(bob))).codes).toEqual(['OK']);
    expect((await call('user.getProfile', undefined, as(bob))).codes).toEqual(['UNAUTHORIZED']);
    // A session whose row is gone by the time the store is back (account erasure) is remembered too.
    const erasedSession = randomUUID();
    await markRevoked(t.deps, [erasedSession]);

    // Rate limits count in this process.
    const limited: string[] = [];
    for (let i = 0; i < 4; i++) limited.push(...(await call('example.hi', { name: 'x' }, as(carol))).codes);
    expect(limited).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);

    // Leaderboards answer from PostgreSQL, XP earned meanwhile included.
    await earn(alice, 50);
    expect(await boardScores(t.deps, allTimeXp(), [alice.user.id])).toEqual([60]);
    const friends = await call('leaderboard.get', { filter: 'friends' }, as(alice));
    expect(friends.codes).toEqual(['OK']);
    expect(friends.results[0]).toMatchObject({ users: [{ id: alice.user.id, totalXP: 60 }] });
    expect((await call('leaderboard.get', { limit: 5 })).codes).toEqual(['OK']);

    // What needs the store answers a typed 503 telling when to come back: the per-day words cap, and an
    // anonymous translation (its quota) unless the phrase list knows it; the provider is never asked.
    const stats = await call('user.updateStats', { wordsLearned: 1 }, as(alice));
    expect(stats.codes).toEqual(['SERVICE_UNAVAILABLE']);
    expect(Number(stats.response.headers.get('retry-after'))).toBeGreaterThan(0);
    // An address of this run only: the anonymous quota lives in Redis for the day.
    const octet = () => Math.floor(Math.random() * 250) + 1;
    const anonymous = { headers: { 'x-forwarded-for': `10.${octet()}.${octet()}.${octet()}` } };
    const translateCalls = fake.requests.length;
    const known = await call(
      'chat.translate',
      { text: 'Thank you', fromLanguage: 'en', toLanguage: 'es' },
      anonymous,
    );
    expect(known.results[0]).toMatchObject({ translatedText: 'Gracias', fallback: true });
    const unknown = await call(
      'chat.translate',
      {
        text: 'Hello, friend',
        fromLanguage: 'en',
        toLanguage: 'es',
      },
      anonymous,
    );
    expect(unknown.codes).toEqual(['SERVICE_UNAVAILABLE']);
    expect(Number(unknown.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fake.requests.length).toBe(translateCalls);

    // Realtime: a subscription ends at once with the typed 503 and when to come back (its client then
    // resumes from its last event id).
    const feed = await t.request(
      `/api/trpc/notifications.onEvent?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
      { headers: { accept: 'text/event-stream', authorization: dave.authorization } },
    );
    const refusal = await firstError(feed);
    expect(refusal).toMatchObject({ json: { data: { errorCode: 'SERVICE_UNAVAILABLE' } } });
    expect(refusal).toMatchObject({ json: { data: { retryAfterSeconds: expect.any(Number) } } });

    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(await t.deps.metrics.registry.getSingleMetricAsString('shared_store_up')).toContain(
      'shared_store_up{store="redis"} 0',
    );

    await proxy.restore();
    await until(() => t.deps.store.availability.up, 'the store reconnects');

    expect(await (await t.request('/api/health')).json()).toMatchObject({ status: 'ok', degraded: [] });
    expect(await t.deps.metrics.registry.getSingleMetricAsString('shared_store_up')).toContain(
      'shared_store_up{store="redis"} 1',
    );
    // The revocation made during the outage is in Redis again, so the fast path refuses the session too.
    await until(
      async () => (await direct.exists(`auth:revoked:${bob.sessionId}`)) === 1,
      'revocation republished',
    );
    expect((await call('user.getProfile', undefined, as(bob))).codes).toEqual(['UNAUTHORIZED']);
    await until(
      async () => (await direct.exists(`auth:revoked:${erasedSession}`)) === 1,
      'the erased session revocation republished',
    );
    // The ranking that missed an update while Redis was away is rebuilt from PostgreSQL.
    await until(
      async () => (await boardScores(t.deps, allTimeXp(), [alice.user.id]))[0] === 60,
      'the ranking is rebuilt',
    );
    expect(await direct.zscore(boardKey(t.deps, allTimeXp()), alice.user.id)).toBe('60');
    // Caches are written again.
    expect((await call('leaderboard.get', { limit: 6 })).codes).toEqual(['OK']);
    await until(
      async () => (await direct.keys(`cache:leaderboard-page:${namespace}:*`)).length > 0,
      'the page is cached in Redis',
    );
    expect(await direct.keys(`cache:leaderboard-page:${namespace}:*`)).toEqual([
      `cache:leaderboard-page:${namespace}:xp:all:0:6`,
    ]);
    // What needed the store works again.
    expect((await call('user.updateStats', { wordsLearned: 1 }, as(alice))).codes).toEqual(['OK']);
    const translated = await call(
      'chat.translate',
      {
        text: 'Hello, friend',
        fromLanguage: 'en',
        toLanguage: 'es',
      },
      anonymous,
    );
    expect(translated.results[0]).toMatchObject({ translatedText: 'Hola, amigo' });

    // The loss and the recovery are logged once each, not per request.
    expect(logLines(t, 'redis connection lost')).toHaveLength(1);
    expect(logLines(t, 'redis is back')).toHaveLength(1);
  });

  it('starts serving degraded when Redis is unreachable at start-up, and picks it up when it answers', async () => {
    const target = new URL(inject('redisUrl')!);
    const late = await startTcpProxy(target.hostname, Number(target.port || 6379));
    await late.cut();
    const app = await createTestApp({ env: { REDIS_URL: viaProxy(late), REDIS_STARTUP_WAIT_MS: '200' } });
    try {
      expect((await app.request('/api/health/ready')).status).toBe(200);
      expect(await (await app.request('/api/health')).json()).toMatchObject({ status: 'degraded' });
      expect(logLines(app, 'redis not reachable at start-up')).toHaveLength(1);
      await late.restore();
      await until(() => app.deps.store.availability.up, 'the store connects');
      expect(await (await app.request('/api/health')).json()).toMatchObject({ status: 'ok' });
    } finally {
      await app.close();
      await late.cut();
    }
  });
});

/** The error a tRPC event stream sent (`serialized-error`), read within 5 s; undefined if none came. */
async function firstError(response: Response): Promise<unknown> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = Date.now() + 5_000;
  let text = '';
  try {
    while (Date.now() < deadline) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      const match = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (match) return JSON.parse(match[1]!);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return undefined;
}
