import type { Env } from '../../config/env.js';
import type { ErrorReporter } from '../../integrations/error-tracking/index.js';
import type { FetchFailure, TutorDataSource } from '../../integrations/tutor-data/index.js';
import type { CacheDeps } from '../../lib/cache.js';
import type { Metrics } from '../../lib/metrics.js';
import { enforceRateLimit, subjectKey } from '../../lib/rate-limit/enforce.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import * as cache from './cache.js';
import { toTutorData } from './document.js';
import type {
  BatchItem,
  CacheStatsResult,
  ClearCacheInput,
  ClearCacheResult,
  FetchInput,
  FetchMultipleInput,
  FetchMultipleResult,
  FetchOptions,
  FetchResult,
  TutorData,
  TutorDataError,
} from './schema.js';

/**
 * What the tutorData module needs: the fetcher, the shared store as its cache, the rate limits, and where
 * faults its catch-alls turn into error values are reported.
 */
export interface TutorDataDeps extends CacheDeps {
  errors: ErrorReporter;
  env: Pick<Env, 'TUTOR_DATA_CACHE_TTL_SECONDS' | 'TUTOR_DATA_CACHE_MAX_MB' | 'REQUEST_DEADLINE_MS'>;
  tutorDataSource: TutorDataSource;
  rateLimits: RateLimits;
  clock: () => Date;
  metrics: Pick<Metrics, 'cacheFallbacks' | 'tutorDataFetches'>;
}

/** Who is asking: the signed-in user, else the client address. Each has a cache view of its own. */
export interface TutorDataCaller {
  userId: string | null;
  ip: string | null;
}

/** One fetch within a call: the caller's cache view and the call's time budget. */
interface Run {
  scope: string;
  view: cache.CallerView;
  signal: AbortSignal;
}

interface Lookup {
  result: FetchResult;
  /** A cache entry the caller now holds, for its view. */
  seen?: { url: string; fetchedAt: number };
}

/**
 * `tutorData.fetch`: one URL through the shared cache and the safe fetcher. Never throws: a refused URL,
 * an upstream failure and a document that fails validation are all `{ success: false, error }`.
 */
export async function fetchTutorData(
  deps: TutorDataDeps,
  caller: TutorDataCaller,
  input: FetchInput,
): Promise<FetchResult> {
  try {
    const run = await startRun(deps, caller);
    const lookup = await fetchOne(deps, run, input.url, input.options);
    if (lookup.seen) await remember(deps, run.scope, [lookup.seen]);
    return lookup.result;
  } catch (error) {
    deps.log.error({ err: error }, 'tutor data fetch failed unexpectedly');
    deps.errors.report(error, { procedure: 'tutorData.fetch' });
    return { success: false, error: { type: 'unknown_error', message: 'Unexpected error' }, data: null };
  }
}

/**
 * `tutorData.fetchMultiple`: up to 10 URLs, `concurrency` at a time, results in the order asked. Each URL
 * spends one point of the `outbound-fetch` budget, as a single fetch would (the procedure spent the first):
 * throws RATE_LIMITED before fetching anything when the budget is short. Per-URL failures are results.
 */
export async function fetchMultiple(
  deps: TutorDataDeps,
  caller: TutorDataCaller,
  input: FetchMultipleInput,
): Promise<FetchMultipleResult> {
  const key = subjectKey('user-or-ip', caller);
  for (let extra = 1; extra < input.urls.length; extra++) {
    await enforceRateLimit(deps.rateLimits, 'outbound-fetch', key);
  }
  try {
    const run = await startRun(deps, caller);
    const lookups = await inPool(input.urls, input.options.concurrency, (url) =>
      fetchOne(deps, run, url, input.options),
    );
    const seen = lookups.flatMap((lookup) => (lookup.seen ? [lookup.seen] : []));
    if (seen.length > 0) await remember(deps, run.scope, seen);
    const results: BatchItem[] = lookups.map(({ result }, index) => ({
      url: input.urls[index]!,
      data: result.success ? result.data : null,
      error: result.success ? null : new Error(result.error.message),
    }));
    const successful = results.filter((item) => item.error === null).length;
    return {
      success: true,
      results,
      timestamp: deps.clock().toISOString(),
      summary: { total: results.length, successful, failed: results.length - successful },
    };
  } catch (error) {
    deps.log.error({ err: error }, 'tutor data batch failed unexpectedly');
    deps.errors.report(error, { procedure: 'tutorData.fetchMultiple' });
    return { success: false, error: { type: 'batch_error', message: 'Batch fetch failed' }, results: [] };
  }
}

/**
 * `tutorData.clearCache`: clears the caller's own cache, one URL or all of it. The shared entries stay for
 * everyone else; for this caller they no longer count, so its next fetch goes to the source. Answers
 * `cache_error` when the store fails.
 */
export async function clearCache(
  deps: TutorDataDeps,
  caller: TutorDataCaller,
  input: ClearCacheInput,
): Promise<ClearCacheResult> {
  const now = deps.clock();
  try {
    const ttlMs = cacheTtlMs(deps);
    if (ttlMs > 0) {
      const scope = cache.scopeOf(caller);
      let view = cache.emptyView();
      if (input.url) {
        const url = input.url;
        view = await cache.readView(deps.kv, scope);
        view.entries = Object.fromEntries(Object.entries(view.entries).filter(([entry]) => entry !== url));
        view.cleared[url] = now.getTime();
      } else {
        view.clearedAt = now.getTime();
      }
      await cache.writeView(deps.kv, scope, view, { ttlMs, now: now.getTime() });
    }
    const message = input.url ? `Cache cleared for ${input.url}` : 'All cache cleared';
    return { success: true, message, timestamp: now.toISOString() };
  } catch (error) {
    deps.log.warn({ err: error }, 'tutor data cache could not be cleared');
    return { success: false, error: { type: 'cache_error', message: 'Cache could not be cleared' } };
  }
}

/**
 * `tutorData.getCacheStats`: the caller's live entries (how many, which URLs, when the oldest was fetched)
 * and its hits and misses. Answers `stats_error` when the store fails.
 */
export async function getCacheStats(deps: TutorDataDeps, caller: TutorDataCaller): Promise<CacheStatsResult> {
  const now = deps.clock();
  try {
    const scope = cache.scopeOf(caller);
    const ttlMs = cacheTtlMs(deps);
    const [view, counters] = await Promise.all([
      cache.readView(deps.kv, scope),
      cache.readCounters(deps.kv, scope),
    ]);
    const live = Object.entries(view.entries)
      .filter(([, fetchedAt]) => fetchedAt + ttlMs > now.getTime())
      .sort(([, a], [, b]) => a - b);
    return {
      success: true,
      stats: {
        size: live.length,
        urls: live.map(([url]) => url),
        ...(live.length > 0 ? { oldestEntry: live[0]![1] } : {}),
        ...counters,
      },
      timestamp: now.toISOString(),
    };
  } catch (error) {
    deps.log.warn({ err: error }, 'tutor data cache statistics unavailable');
    return {
      success: false,
      error: { type: 'stats_error', message: 'Cache statistics unavailable' },
      stats: null,
    };
  }
}

async function startRun(deps: TutorDataDeps, caller: TutorDataCaller): Promise<Run> {
  const scope = cache.scopeOf(caller);
  const view =
    cacheTtlMs(deps) > 0
      ? await tolerate(deps, () => cache.readView(deps.kv, scope), cache.emptyView())
      : cache.emptyView();
  // Finish inside the request's deadline, so the caller gets answers (timeouts among them), not a 504.
  const signal = AbortSignal.timeout(Math.max(100, deps.env.REQUEST_DEADLINE_MS - 1_000));
  return { scope, view, signal };
}

async function fetchOne(deps: TutorDataDeps, run: Run, url: string, options: FetchOptions): Promise<Lookup> {
  const ttlMs = cacheTtlMs(deps);
  if (ttlMs > 0 && options.useCache) {
    const cached = await tolerate(deps, () => cache.readDocument(deps.kv, url, options.validate), null);
    const hit = cached !== null && cache.isFreshFor(run.view, cached);
    await tolerate(deps, () => cache.countLookup(deps.kv, run.scope, hit), undefined);
    if (hit) {
      deps.metrics.tutorDataFetches.inc({ outcome: 'cache_hit' });
      return { result: succeeded(deps, cached.data, url), seen: { url, fetchedAt: cached.fetchedAt } };
    }
  }

  const outcome = await deps.tutorDataSource.fetch({ url, timeoutMs: options.timeout, signal: run.signal });
  if (!outcome.ok) {
    deps.metrics.tutorDataFetches.inc({ outcome: outcome.failure.kind });
    return { result: failed(fetchError(outcome.failure, url)) };
  }
  const now = deps.clock();
  const verdict = toTutorData(outcome.document, options.validate, now);
  if (!verdict.ok) {
    deps.metrics.tutorDataFetches.inc({ outcome: 'invalid' });
    return { result: failed(verdict.error) };
  }
  deps.metrics.tutorDataFetches.inc({ outcome: 'fetched' });
  const result = succeeded(deps, verdict.data, url);
  if (ttlMs === 0) return { result };
  const document = { url, data: verdict.data, fetchedAt: now.getTime() };
  const budgetBytes = deps.env.TUTOR_DATA_CACHE_MAX_MB * 1024 * 1024;
  const stored = await tolerate(
    deps,
    () => cache.writeDocument(deps.kv, document, options.validate, { ttlMs, budgetBytes }),
    false,
  );
  return stored ? { result, seen: { url, fetchedAt: document.fetchedAt } } : { result };
}

/** Adds entries to the caller's view, read again just before writing to keep concurrent calls' entries. */
async function remember(deps: TutorDataDeps, scope: string, seen: { url: string; fetchedAt: number }[]) {
  await tolerate(
    deps,
    async () => {
      const view = await cache.readView(deps.kv, scope);
      for (const entry of seen) view.entries[entry.url] = entry.fetchedAt;
      await cache.writeView(deps.kv, scope, view, { ttlMs: cacheTtlMs(deps), now: deps.clock().getTime() });
    },
    undefined,
  );
}

/** The cache only ever speeds fetches up: when the store fails, the fetch goes on without it. */
async function tolerate<T>(deps: TutorDataDeps, work: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    deps.metrics.cacheFallbacks.inc({ cache: 'tutor-data' });
    deps.log.warn({ err: error, cache: 'tutor-data' }, 'tutor data cache unavailable, fetching without it');
    return fallback;
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time; results in the order of `items`. */
async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function fetchError(failure: FetchFailure, url: string): TutorDataError {
  return {
    type: 'fetch_error',
    message: failure.message,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    url,
  };
}

const cacheTtlMs = (deps: TutorDataDeps) => deps.env.TUTOR_DATA_CACHE_TTL_SECONDS * 1000;

const succeeded = (deps: TutorDataDeps, data: TutorData, url: string): FetchResult => ({
  success: true,
  data,
  url,
  timestamp: deps.clock().toISOString(),
});

const failed = (error: TutorDataError): FetchResult => ({ success: false, error, data: null });
