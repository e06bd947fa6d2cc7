import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unique } from '../../../test/harness.js';
import { closedPort } from '../../../test/ports.js';
import { createLogger } from '../logger.js';
import { StoreUnavailableError } from './availability.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { SharedStore } from './types.js';

const redisUrl = inject('redisUrl');

async function redisStore(): Promise<SharedStore> {
  const store = createRedisStore({ url: redisUrl!, log: createLogger({ level: 'silent', env: 'test' }) });
  await store.ready(5_000);
  return store;
}

/** The same contract, run against each implementation: callers must not be able to tell them apart. */
const implementations: [string, () => Promise<SharedStore>][] = [['memory', async () => createMemoryStore()]];
if (redisUrl) implementations.push(['redis', redisStore]);

describe.each(implementations)('%s store', (_name, open) => {
  const stores: SharedStore[] = [];
  const make = async () => {
    const store = await open();
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('sets, gets and deletes values', async () => {
    const { kv } = await make();
    const key = unique('kv');
    expect(await kv.get(key)).toBeNull();
    await kv.set(key, 'v1');
    expect(await kv.get(key)).toBe('v1');
    expect(await kv.ttl(key)).toBeNull();
    await kv.delete(key);
    expect(await kv.get(key)).toBeNull();
  });

  it('expires values after their TTL', async () => {
    const { kv } = await make();
    const key = unique('ttl');
    await kv.set(key, 'short', 60);
    const ttl = await kv.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    await sleep(120);
    expect(await kv.get(key)).toBeNull();
  });

  it('sets only absent keys with setIfAbsent', async () => {
    const { kv } = await make();
    const key = unique('nx');
    expect(await kv.setIfAbsent(key, 'first', 5_000)).toBe(true);
    expect(await kv.setIfAbsent(key, 'second', 5_000)).toBe(false);
    expect(await kv.get(key)).toBe('first');
  });

  it('counts with a TTL fixed at creation', async () => {
    const { kv } = await make();
    const key = unique('counter');
    expect(await kv.increment(key, 1, 200)).toBe(1);
    expect(await kv.increment(key, 2, 60_000)).toBe(3);
    expect(await kv.ttl(key)).toBeLessThanOrEqual(200);
    await sleep(250);
    expect(await kv.increment(key, 1, 200)).toBe(1);
  });

  it('counts concurrent increments exactly', async () => {
    const { kv } = await make();
    const key = unique('race');
    await Promise.all(Array.from({ length: 50 }, () => kv.increment(key, 1, 10_000)));
    expect(await kv.get(key)).toBe('50');
  });

  it('fans published messages out to every subscriber and stops after unsubscribe', async () => {
    const publisher = await make();
    const subscriber = await make();
    const channel = unique('channel');
    const received: string[] = [];
    const unsubscribe = await subscriber.pubsub.subscribe(channel, (message) => received.push(message));
    // With one store per instance, a message must cross from one to the other (in memory: the same process).
    const target = publisher.kv.kind === 'memory' ? subscriber : publisher;
    await target.pubsub.publish(channel, 'hello');
    await expect.poll(() => received).toEqual(['hello']);
    await unsubscribe();
    await target.pubsub.publish(channel, 'ignored');
    await sleep(50);
    expect(received).toEqual(['hello']);
  });

  it('keeps a channel while any of its handlers is subscribed, apart from other channels', async () => {
    const publisher = await make();
    const subscriber = await make();
    const target = publisher.kv.kind === 'memory' ? subscriber : publisher;
    const [lessons, users] = [unique('channel'), unique('channel')];
    const received: string[] = [];
    const offFirst = await subscriber.pubsub.subscribe(lessons, (message) =>
      received.push(`first ${message}`),
    );
    const offSecond = await subscriber.pubsub.subscribe(lessons, (message) =>
      received.push(`second ${message}`),
    );
    const offOther = await subscriber.pubsub.subscribe(users, (message) => received.push(`other ${message}`));
    await target.pubsub.publish(lessons, '1');
    await target.pubsub.publish(users, '2');
    await expect.poll(() => [...received].sort()).toEqual(['first 1', 'other 2', 'second 1']);

    await offFirst();
    await target.pubsub.publish(lessons, '3');
    await expect.poll(() => received.filter((line) => line.endsWith(' 3'))).toEqual(['second 3']);

    await offSecond();
    await offOther();
    await target.pubsub.publish(lessons, '4');
    await target.pubsub.publish(users, '5');
    await sleep(50);
    expect(received.filter((line) => / [45]$/.test(line))).toEqual([]);
  });
});

describe('Redis store without a Redis to talk to', () => {
  const silent = createLogger({ level: 'silent', env: 'test' });

  it('fails commands at once and gives up waiting, naming the last connection error', async () => {
    const store = createRedisStore({ url: `redis://127.0.0.1:${await closedPort()}`, log: silent });
    try {
      const started = performance.now();
      await expect(store.kv.get('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.rankings.size('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(100);
      await expect(store.ready(300)).rejects.toThrow(/^Redis not reachable within 300 ms: .*ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });

  it('says only that it timed out when the server accepts but never answers', async () => {
    const sockets: net.Socket[] = [];
    const silentServer = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const { port } = silentServer.address() as AddressInfo;
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, log: silent });
    try {
      await expect(store.ready(300)).rejects.toThrow(/^Redis not reachable within 300 ms$/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
      await store.close();
    }
  });
});

describe.runIf(redisUrl)('Redis store with Redis', () => {
  it('is ready at once when already connected', async () => {
    const store = createRedisStore({ url: redisUrl!, log: createLogger({ level: 'silent', env: 'test' }) });
    try {
      await store.ready(5_000);
      await expect(store.ready(0)).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
