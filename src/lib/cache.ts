import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { isStoreUnavailable } from './store/availability.js';
import type { KeyValueStore } from './store/types.js';

export interface CacheDeps {
  kv: KeyValueStore;
  log: Logger;
  metrics: Pick<Metrics, 'cacheFallbacks'>;
}

// Loads under way, per store: concurrent misses of one key in this process share one load, so a hot entry
// that expires costs one load per instance rather than one per request that was waiting for it.
const loading = new WeakMap<KeyValueStore, Map<string, Promise<unknown>>>();

/**
 * Read-through cache for JSON-safe values. The cache only ever speeds things up: when the store fails,
 * the value is loaded from the source of truth and the failure is logged and counted, never surfaced.
 */
export async function cached<T>(
  deps: CacheDeps,
  cache: string,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  if (ttlSeconds <= 0) return load();
  const fullKey = `cache:${cache}:${key}`;
  try {
    const hit = await deps.kv.get(fullKey);
    if (hit !== null) return JSON.parse(hit) as T;
  } catch (error) {
    deps.metrics.cacheFallbacks.inc({ cache });
    // While the store is down (logged once, by the store) the cache is simply bypassed.
    if (!isStoreUnavailable(error))
      deps.log.warn({ err: error, cache }, 'cache read failed, loading from the database');
    return load();
  }
  const pending = loading.get(deps.kv) ?? new Map<string, Promise<unknown>>();
  loading.set(deps.kv, pending);
  const underway = pending.get(fullKey);
  if (underway) return underway as Promise<T>;
  const load$ = loadAndStore(deps, cache, fullKey, ttlSeconds, load).finally(() => pending.delete(fullKey));
  pending.set(fullKey, load$);
  return load$;
}

async function loadAndStore<T>(
  deps: CacheDeps,
  cache: string,
  fullKey: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const value = await load();
  // Absent results are not cached: ids from the outside world must not grow the cache.
  if (value === null || value === undefined) return value;
  deps.kv.set(fullKey, JSON.stringify(value), ttlSeconds * 1000).catch((error: unknown) => {
    deps.metrics.cacheFallbacks.inc({ cache });
    if (!isStoreUnavailable(error)) deps.log.warn({ err: error, cache }, 'cache write failed');
  });
  return value;
}
