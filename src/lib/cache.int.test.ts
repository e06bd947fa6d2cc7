import { afterAll, describe, expect, inject, it } from 'vitest';
import { CapturedLogs, unique, usingRedis } from '../../test/harness.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { cached } from './cache.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createMemoryStore } from './store/memory-store.js';
import { createRedisStore } from './store/redis-store.js';
import type { KeyValueStore, SharedStore } from './store/types.js';

const stores: SharedStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

function cacheDeps(kv: KeyValueStore) {
  const logs = new CapturedLogs();
  const log = createLogger({ level: 'info', env: 'test', destination: logs });
  const metrics = createMetrics(() => ({ total: 0, idle: 0, waiting: 0, max: 0 }));
  const fallbacks = () => metrics.registry.getSingleMetricAsString('cache_fallbacks_total');
  return { deps: { kv, log, metrics }, logs, fallbacks };
}

/** A loader that counts its calls, standing for the database. */
function source<T>(value: T) {
  const load = async () => {
    load.calls += 1;
    return value;
  };
  load.calls = 0;
  return load;
}

describe('cached', () => {
  it('loads once, then answers from the store', async () => {
    const store = createMemoryStore();
    stores.push(store);
    const { deps } = cacheDeps(store.kv);
    const load = source({ title: 'Numbers' });
    const key = unique('key');
    expect(await cached(deps, 'test', key, 60, load)).toEqual({ title: 'Numbers' });
    await expect.poll(() => store.kv.get(`cache:test:${key}`)).toBe('{"title":"Numbers"}');
    expect(await cached(deps, 'test', key, 60, load)).toEqual({ title: 'Numbers' });
    expect(load.calls).toBe(1);
  });

  it('loads a key once for concurrent misses in this process', async () => {
    const store = createMemoryStore();
    stores.push(store);
    const { deps } = cacheDeps(store.kv);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const slow = async () => {
      calls += 1;
      await gate;
      return { rank: 1 };
    };
    const key = unique('key');
    const answers = Promise.all(Array.from({ length: 5 }, () => cached(deps, 'test', key, 60, slow)));
    await expect.poll(() => calls).toBe(1);
    release();
    expect(await answers).toEqual(Array.from({ length: 5 }, () => ({ rank: 1 })));
    expect(calls).toBe(1);
    // Once settled, a miss loads again (here the value is stored, so it is a hit).
    expect(await cached(deps, 'test', key, 60, slow)).toEqual({ rank: 1 });
    expect(calls).toBe(1);
  });

  it('never stores an absent result, nor anything with a TTL of 0', async () => {
    const store = createMemoryStore();
    stores.push(store);
    const { deps } = cacheDeps(store.kv);
    const missing = source(null);
    const key = unique('key');
    await cached(deps, 'test', key, 60, missing);
    await cached(deps, 'test', key, 60, missing);
    expect(missing.calls).toBe(2);
    const off = source('value');
    await cached(deps, 'test', key, 0, off);
    await cached(deps, 'test', key, 0, off);
    expect(off.calls).toBe(2);
    expect(await store.kv.get(`cache:test:${key}`)).toBeNull();
  });

  it('loads from the source when the store cannot be read, counting it (the store logs the outage once)', async () => {
    // A Redis store whose server is not there: every command fails at once.
    const store = createRedisStore({
      url: 'redis://127.0.0.1:1',
      log: createLogger({ level: 'silent', env: 'test' }),
    });
    stores.push(store);
    const { deps, logs, fallbacks } = cacheDeps(store.kv);
    const load = source(['a lesson']);
    expect(await cached(deps, 'lessons', 'all', 60, load)).toEqual(['a lesson']);
    expect(load.calls).toBe(1);
    expect(await cached(deps, 'lessons', 'all', 60, load)).toEqual(['a lesson']);
    expect(load.calls).toBe(2);
    // An outage is the store's to log, once: a bypassed cache says nothing per request.
    expect(logs.lines).toEqual([]);
    expect(await fallbacks()).toContain('cache_fallbacks_total{cache="lessons"} 2');
  });

  it.runIf(usingRedis())('answers when the store goes away before the write, counting it', async () => {
    const target = new URL(inject('redisUrl')!);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const store = createRedisStore({
      url: viaProxy.toString(),
      log: createLogger({ level: 'silent', env: 'test' }),
    });
    stores.push(store);
    await store.ready(5_000);
    const { deps, logs, fallbacks } = cacheDeps(store.kv);
    // The read succeeds (a miss); Redis becomes unreachable while the source is being read.
    const load = async () => {
      await proxy.cut();
      await expect.poll(() => store.redis.status).not.toBe('ready');
      return 'fresh';
    };
    expect(await cached(deps, 'lessons', unique('key'), 60, load)).toBe('fresh');
    await expect.poll(fallbacks).toContain('cache_fallbacks_total{cache="lessons"} 1');
    expect(logs.lines).toEqual([]);
  });
});
