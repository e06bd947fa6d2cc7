import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import {
  createTestApp,
  type TestApp,
  type TestAppOptions,
  unique,
  usingRedis,
} from '../../../test/harness.js';
import {
  admitting,
  json,
  page,
  redirect,
  resolving,
  type SourceHandler,
  startHttpSource,
  type TestHttpSource,
} from '../../../test/http-source.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { createLogger } from '../../lib/logger.js';
import { createRedisStore } from '../../lib/store/redis-store.js';
import type { CacheStatsResult, ClearCacheResult, FetchMultipleResult, FetchResult } from './schema.js';
import * as service from './service.js';

/**
 * tutorData.* over HTTP through the real app. `source` (127.0.0.1, the one address admitted) stands for
 * the outside sources; `internal` (127.0.0.2) for a service inside our network. Host names under
 * tutor.test exist only in the app's resolver.
 */

let source: TestHttpSource;
let internal: TestHttpSource;
let t: TestApp;
const apps: TestApp[] = [];

const LESSON = {
  id: 'lesson-1',
  title: 'Greetings',
  language: 'es',
  level: 'beginner',
  content: { vocabulary: [{ word: 'hola', translation: 'hello' }] },
};

async function tutorApp(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await createTestApp({
    ...options,
    env: {
      TUTOR_DATA_ALLOWED_HOSTS: '*.tutor.test',
      TUTOR_DATA_MAX_BYTES: '20000',
      TUTOR_DATA_TIMEOUT_MS: '2000',
      ...options.env,
    },
    tutorData: {
      resolve: resolving({
        'data.tutor.test': ['127.0.0.1'],
        'metadata.tutor.test': ['169.254.169.254'],
        'internal.tutor.test': ['127.0.0.2'],
      }),
      addressPolicy: admitting('127.0.0.1'),
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
    },
  });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  source = await startHttpSource('127.0.0.1');
  internal = await startHttpSource('127.0.0.2');
  t = await tutorApp();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await source.close();
  await internal.close();
});

/** A URL of the source, on a path of its own, answering with `handler`. */
function served(handler: SourceHandler, name = 'doc'): { url: string; path: string } {
  const path = `/${unique(name)}`;
  source.route(path, handler);
  return { url: `${source.origin('data.tutor.test')}${path}`, path };
}

const headersOf = (user?: TestUser): Record<string, string> =>
  user ? { authorization: user.authorization } : {};

async function fetchOne(app: TestApp, input: unknown, user?: TestUser): Promise<FetchResult> {
  const answer = await trpcCall(app, 'tutorData.fetch', input, { headers: headersOf(user) });
  expect(answer.status, answer.text).toBe(200);
  return answer.results[0] as FetchResult;
}

async function statsOf(app: TestApp, user: TestUser) {
  const answer = await trpcCall(app, 'tutorData.getCacheStats', undefined, { headers: headersOf(user) });
  expect(answer.status, answer.text).toBe(200);
  const result = answer.results[0] as CacheStatsResult;
  if (!result.success) return expect.fail('expected statistics');
  return result.stats;
}

async function clear(app: TestApp, user: TestUser, input: unknown = {}): Promise<ClearCacheResult> {
  const answer = await trpcCall(app, 'tutorData.clearCache', input, { headers: headersOf(user) });
  expect(answer.status, answer.text).toBe(200);
  return answer.results[0] as ClearCacheResult;
}

describe('tutorData.fetch', () => {
  it('answers a JSON source’s TutorData, validated', async () => {
    const { url } = served(json(LESSON));
    const result = await fetchOne(t, { url });
    expect(result).toEqual({
      success: true,
      data: { ...LESSON, contentType: 'json' },
      url,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('answers a TutorData synthesised from an HTML page', async () => {
    const html =
      '<html><head><title>Spanish basics</title></head><body><p>Learn to say hello.</p></body></html>';
    const { url } = served(page(html));
    const result = await fetchOne(t, { url, options: { useCache: false } });
    expect(result).toMatchObject({
      success: true,
      data: {
        id: expect.stringMatching(/^html-\d+$/),
        title: 'Spanish basics',
        description: 'Learn to say hello.',
        language: 'en',
        level: 'unknown',
        contentType: 'html',
        rawContent: html,
        metadata: { sourceUrl: url, contentType: 'text/html; charset=utf-8', contentLength: html.length },
      },
    });
  });

  it('answers failures as values: refused, upstream status, timeout, invalid document', async () => {
    expect(await fetchOne(t, { url: 'https://evil.example/steal' })).toEqual({
      success: false,
      error: {
        type: 'fetch_error',
        message: 'Host evil.example is not on the allowlist',
        url: 'https://evil.example/steal',
      },
      data: null,
    });

    const missing = served(json({ error: 'no such lesson' }, 404));
    expect(await fetchOne(t, { url: missing.url })).toMatchObject({
      success: false,
      error: { type: 'fetch_error', message: 'HTTP 404', status: 404, url: missing.url },
    });

    const slow = served(() => {});
    expect(await fetchOne(t, { url: slow.url, options: { timeout: 1_000 } })).toMatchObject({
      success: false,
      error: { type: 'fetch_error', message: 'Request timeout', status: 408 },
    });

    const invalid = served(json({ id: 'x', title: 'No language' }));
    const result = await fetchOne(t, { url: invalid.url });
    expect(result).toMatchObject({
      success: false,
      error: {
        type: 'validation_error',
        message: 'Invalid tutor data format',
        validationErrors: [
          expect.objectContaining({ path: ['language'], code: 'invalid_type' }),
          expect.objectContaining({ path: ['level'], code: 'invalid_type' }),
        ],
      },
      data: null,
    });
  });

  it('refuses a host resolving to the cloud metadata address, and a redirect to an internal service', async () => {
    expect(await fetchOne(t, { url: 'http://metadata.tutor.test/latest/meta-data/' })).toMatchObject({
      success: false,
      error: { type: 'fetch_error', message: 'Host metadata.tutor.test resolves to a link-local address' },
    });

    internal.route('/admin', json({ secret: true }));
    const { url } = served(redirect(`${internal.origin('internal.tutor.test')}/admin`));
    expect(await fetchOne(t, { url })).toMatchObject({
      success: false,
      error: { type: 'fetch_error', message: 'Host internal.tutor.test resolves to a loopback address' },
    });
    expect(internal.hits('/admin')).toBe(0);
  });

  it.each([
    ['a URL that is not one', { url: 'not a url' }],
    ['a URL over 2048 characters', { url: `https://data.tutor.test/${'a'.repeat(2048)}` }],
    ['a timeout below 1 s', { url: 'https://data.tutor.test/x', options: { timeout: 999 } }],
    ['a timeout over 120 s', { url: 'https://data.tutor.test/x', options: { timeout: 120_001 } }],
    ['a missing URL', {}],
  ])('refuses %s as bad input (400)', async (_case, input) => {
    const answer = await trpcCall(t, 'tutorData.fetch', input);
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
  });

  it('never logs the path or query of a URL', async () => {
    const { url } = served(json(LESSON));
    await fetchOne(t, { url: `${url}?token=leaky-secret-token`, options: { useCache: false } });
    expect(t.logs.raw.filter((line) => line.includes('leaky-secret-token'))).toEqual([]);
  });
});

describe('tutorData.fetchMultiple', () => {
  it('answers each URL in order, failures as Error values, with a summary', async () => {
    const ok = served(json(LESSON));
    const missing = served(json({}, 404));
    const client = await t.trpc();
    const result = (await client.tutorData.fetchMultiple.mutate({
      urls: [ok.url, missing.url, 'https://evil.example/'],
      options: { useCache: false },
    })) as FetchMultipleResult;

    expect(result).toMatchObject({ success: true, summary: { total: 3, successful: 1, failed: 2 } });
    if (!result.success) return;
    expect(result.results.map((item) => item.url)).toEqual([ok.url, missing.url, 'https://evil.example/']);
    expect(result.results[0]).toEqual({ url: ok.url, data: { ...LESSON, contentType: 'json' }, error: null });
    expect(result.results[1]!.data).toBeNull();
    expect(result.results[1]!.error).toBeInstanceOf(Error);
    expect(result.results[1]!.error!.message).toBe('HTTP 404');
    expect(result.results[2]!.error!.message).toBe('Host evil.example is not on the allowlist');
  });

  it('fetches at most `concurrency` URLs at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const slow: SourceHandler = (request, response) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(LESSON)(request, response);
      }, 100);
    };
    const urls = Array.from({ length: 5 }, () => served(slow).url);
    const answer = await trpcCall(t, 'tutorData.fetchMultiple', { urls, options: { concurrency: 2 } });
    expect((answer.results[0] as FetchMultipleResult & { success: true }).summary.successful).toBe(5);
    expect(most).toBe(2);
  });

  it('ends within the request deadline, answering unfinished URLs as timeouts instead of a 504', async () => {
    const app = await tutorApp({ env: { REQUEST_DEADLINE_MS: '1500', TUTOR_DATA_TIMEOUT_MS: '2000' } });
    const urls = [served(() => {}).url, served(() => {}).url];
    const answer = await trpcCall(app, 'tutorData.fetchMultiple', { urls, options: { concurrency: 1 } });
    expect(answer.status).toBe(200);
    const result = answer.results[0] as FetchMultipleResult & { success: true };
    expect(result.results.map((item) => item.error?.message)).toEqual(['Request timeout', 'Request timeout']);
  });

  it.each([
    ['no URL', { urls: [] }],
    ['11 URLs', { urls: Array(11).fill('https://data.tutor.test/x') }],
    ['a concurrency of 6', { urls: ['https://data.tutor.test/x'], options: { concurrency: 6 } }],
  ])('refuses %s as bad input (400)', async (_case, input) => {
    const answer = await trpcCall(t, 'tutorData.fetchMultiple', input);
    expect(answer.status).toBe(400);
  });
});

describe('tutorData cache', () => {
  it('answers the second fetch from the cache, and counts it', async () => {
    const user = await createUser(t);
    const { url, path } = served(json(LESSON));
    const first = await fetchOne(t, { url }, user);
    const second = await fetchOne(t, { url }, user);
    expect(second).toEqual({ ...first, timestamp: expect.any(String) });
    expect(source.hits(path)).toBe(1);

    const stats = await statsOf(t, user);
    expect(stats).toEqual({ size: 1, urls: [url], oldestEntry: expect.any(Number), hits: 1, misses: 1 });
    const counts = await t.deps.metrics.registry.getSingleMetricAsString('tutor_data_fetches_total');
    expect(counts).toMatch(/tutor_data_fetches_total\{outcome="cache_hit"\} [1-9]/);
    expect(counts).toMatch(/tutor_data_fetches_total\{outcome="fetched"\} [1-9]/);
    expect(Date.now() - stats.oldestEntry!).toBeLessThan(10_000);
  });

  it('bypasses the cache with useCache: false, and refreshes it', async () => {
    const user = await createUser(t);
    const { url, path } = served(json(LESSON));
    await fetchOne(t, { url }, user);
    await fetchOne(t, { url, options: { useCache: false } }, user);
    expect(source.hits(path)).toBe(2);
    await fetchOne(t, { url }, user);
    expect(source.hits(path)).toBe(2);
    expect(await statsOf(t, user)).toMatchObject({ size: 1, hits: 1, misses: 1 });
  });

  it('never answers a validated fetch with a document cached unvalidated', async () => {
    const { url, path } = served(json({ id: 'x', title: 'No language' }));
    expect((await fetchOne(t, { url, options: { validate: false } })).success).toBe(true);
    const validated = await fetchOne(t, { url });
    expect(validated).toMatchObject({ success: false, error: { type: 'validation_error' } });
    expect(source.hits(path)).toBe(2);
  });

  it('caches only successes', async () => {
    const { url, path } = served(json({}, 404));
    await fetchOne(t, { url });
    await fetchOne(t, { url });
    expect(source.hits(path)).toBe(2);
  });

  it('shares entries between callers, while each caller’s statistics and clearing are its own', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const { url, path } = served(json(LESSON));
    await fetchOne(t, { url }, alice);
    await fetchOne(t, { url }, bob);
    expect(source.hits(path)).toBe(1);

    const mine = served(json(LESSON));
    await fetchOne(t, { url: mine.url }, alice);
    expect((await statsOf(t, alice)).urls.sort()).toEqual([url, mine.url].sort());
    expect(await statsOf(t, bob)).toMatchObject({ size: 1, urls: [url], hits: 1, misses: 0 });

    expect(await clear(t, alice)).toEqual({
      success: true,
      message: 'All cache cleared',
      timestamp: expect.any(String),
    });
    expect(await statsOf(t, alice)).toMatchObject({ size: 0, urls: [] });
    expect(await statsOf(t, alice)).not.toHaveProperty('oldestEntry');
    expect(await statsOf(t, bob)).toMatchObject({ size: 1, urls: [url] });

    // Bob still gets the shared entry; Alice's next fetch goes to the source and refreshes it.
    await fetchOne(t, { url }, bob);
    expect(source.hits(path)).toBe(1);
    await fetchOne(t, { url }, alice);
    expect(source.hits(path)).toBe(2);
    await fetchOne(t, { url }, alice);
    expect(source.hits(path)).toBe(2);
  });

  it('clears one URL of the caller’s cache', async () => {
    const user = await createUser(t);
    const one = served(json(LESSON));
    const other = served(json(LESSON));
    await fetchOne(t, { url: one.url }, user);
    await fetchOne(t, { url: other.url }, user);
    expect(await clear(t, user, { url: one.url })).toMatchObject({
      success: true,
      message: `Cache cleared for ${one.url}`,
    });
    expect((await statsOf(t, user)).urls).toEqual([other.url]);
    await fetchOne(t, { url: one.url }, user);
    await fetchOne(t, { url: other.url }, user);
    expect([source.hits(one.path), source.hits(other.path)]).toEqual([2, 1]);
  });

  it('accepts clearCache without input, as the app sends it, and refuses a mis-wrapped URL', async () => {
    const answer = await trpcCall(t, 'tutorData.clearCache', undefined);
    expect(answer.status).toBe(200);
    expect(answer.results[0]).toMatchObject({ success: true, message: 'All cache cleared' });
    const wrapped = await trpcCall(t, 'tutorData.clearCache', { url: { url: 'https://data.tutor.test/' } });
    expect(wrapped.status).toBe(400);
  });

  it('forgets entries after the TTL, in the cache and in the statistics', async () => {
    const app = await tutorApp({ env: { TUTOR_DATA_CACHE_TTL_SECONDS: '2' } });
    const user = await createUser(app);
    const early = served(json(LESSON));
    const late = served(json(LESSON));
    await fetchOne(app, { url: early.url }, user);
    await fetchOne(app, { url: early.url }, user);
    expect(source.hits(early.path)).toBe(1);
    await sleep(1_200);
    await fetchOne(app, { url: late.url }, user);
    await sleep(1_000);
    // The early entry has expired; the late one, fetched 1.2 s later, lives on.
    expect(await statsOf(app, user)).toMatchObject({ size: 1, urls: [late.url] });
    await fetchOne(app, { url: early.url }, user);
    expect(source.hits(early.path)).toBe(2);
  });

  it('caches nothing with a TTL of 0', async () => {
    const app = await tutorApp({ env: { TUTOR_DATA_CACHE_TTL_SECONDS: '0' } });
    const user = await createUser(app);
    const { url, path } = served(json(LESSON));
    await fetchOne(app, { url }, user);
    await fetchOne(app, { url }, user);
    expect(source.hits(path)).toBe(2);
    expect(await statsOf(app, user)).toEqual({ size: 0, urls: [], hits: 0, misses: 0 });
    expect(await clear(app, user)).toMatchObject({ success: true });
  });

  it.runIf(usingRedis())('is shared by every instance on the same store', async () => {
    const other = await tutorApp();
    const user = await createUser(t);
    const { url, path } = served(json(LESSON));
    await fetchOne(t, { url }, user);
    await fetchOne(other, { url }, user);
    expect(source.hits(path)).toBe(1);
    expect(await statsOf(other, user)).toMatchObject({ size: 1, urls: [url], hits: 1, misses: 1 });
    await clear(other, user);
    expect(await statsOf(t, user)).toMatchObject({ size: 0 });
  });
});

describe('tutorData rate limits', () => {
  it('spends one outbound-fetch point per URL, refusing past the budget with 429', async () => {
    const app = await tutorApp({ rateLimits: { policies: { 'outbound-fetch': { points: 4 } } } });
    const { url, path } = served(json(LESSON));
    const batch = await trpcCall(app, 'tutorData.fetchMultiple', { urls: [url, url, url] });
    expect(batch.status).toBe(200);
    expect(batch.response.headers.get('ratelimit-remaining')).toBe('1');

    const tooMany = await trpcCall(app, 'tutorData.fetchMultiple', { urls: [url, url] });
    expect(tooMany.status).toBe(429);
    expect(tooMany.codes).toEqual(['RATE_LIMITED']);
    expect(tooMany.response.headers.get('retry-after')).toMatch(/^\d+$/);

    expect((await trpcCall(app, 'tutorData.fetch', { url })).status).toBe(429);
    // The batch that was refused fetched nothing.
    expect(source.hits(path)).toBeLessThanOrEqual(3);
  });

  it('leaves statistics and clearing on the default budget', async () => {
    const app = await tutorApp({ rateLimits: { policies: { 'outbound-fetch': { points: 1 } } } });
    for (let call = 0; call < 3; call++) {
      expect((await trpcCall(app, 'tutorData.getCacheStats', undefined)).status).toBe(200);
      expect((await trpcCall(app, 'tutorData.clearCache', {})).status).toBe(200);
    }
  });
});

describe('tutorData when the shared store fails', () => {
  it('still fetches, and answers clearing and statistics as error values', async () => {
    // A Redis store whose server is not there: every command fails at once.
    const broken = createRedisStore({
      url: 'redis://127.0.0.1:1',
      log: createLogger({ level: 'silent', env: 'test' }),
    });
    try {
      const deps = { ...t.deps, kv: broken.kv };
      const caller = { userId: null, ip: '198.51.100.20' };
      const { url } = served(json(LESSON));
      const options = { useCache: true, timeout: 2_000, validate: true };
      expect(await service.fetchTutorData(deps, caller, { url, options })).toMatchObject({ success: true });
      const batch = await service.fetchMultiple(deps, caller, {
        urls: [url],
        options: { ...options, concurrency: 1 },
      });
      expect(batch).toMatchObject({ success: true, summary: { successful: 1 } });
      expect(await service.clearCache(deps, caller, {})).toEqual({
        success: false,
        error: { type: 'cache_error', message: 'Cache could not be cleared' },
      });
      expect(await service.getCacheStats(deps, caller)).toEqual({
        success: false,
        error: { type: 'stats_error', message: 'Cache statistics unavailable' },
        stats: null,
      });
      const fallbacks = await t.deps.metrics.registry.getSingleMetricAsString('cache_fallbacks_total');
      expect(fallbacks).toMatch(/cache_fallbacks_total\{cache="tutor-data"\} \d+/);
      expect(t.logs.lines).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: 'tutor data cache unavailable, fetching without it' }),
      );
    } finally {
      await broken.close();
    }
  });
});
