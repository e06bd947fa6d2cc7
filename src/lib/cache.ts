import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { KeyValueStore } from './store/types.js';

export interface CacheDeps {
  kv: KeyValueStore;
  log: Logger;
  metrics: Pick<Metrics, 'cacheFallbacks'>;
}

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
    deps.log.warn({ err: error, cache }, 'cache read failed, loading from the database');
    return load();
  }
  const value = await load();
  // Absent results are not cached: ids from the outside world must not grow the cache.
  if (value === null || value === undefined) return value;
  deps.kv.set(fullKey, JSON.stringify(value), ttlSeconds * 1000).catch((error: unknown) => {
    deps.metrics.cacheFallbacks.inc({ cache });
    deps.log.warn({ err: error, cache }, 'cache write failed');
  });
  return value;
}
