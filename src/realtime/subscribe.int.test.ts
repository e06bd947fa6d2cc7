import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { usingRedis } from '../../test/harness.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';
import { createLogger } from '../lib/logger.js';
import { MemoryPubSub } from '../lib/store/memory-store.js';
import { createRedisStore, type RedisStore } from '../lib/store/redis-store.js';
import { createRealtimeHub, type RealtimeHub } from './hub.js';
import { createRedisEventStreams, type EventStreams, type StoredEvent } from './streams.js';
import { type FeedItem, userFeed } from './subscribe.js';

/**
 * A live feed across a Redis blip: the streams are read through a TCP proxy the test cuts and restores,
 * and the feed is woken in process (a wake-up reaches it while Redis is away, as one published just
 * before a restart does). It must keep going and deliver what was appended, not end with an error.
 */
describe.runIf(usingRedis())('a started feed and a lost Redis', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let store: RedisStore;
  let streams: EventStreams;
  let hub: RealtimeHub;

  beforeAll(async () => {
    const target = new URL(inject('redisUrl')!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    const url = new URL(target);
    url.host = `127.0.0.1:${proxy.port}`;
    store = createRedisStore({ url: url.toString(), log: createLogger({ level: 'silent', env: 'test' }) });
    await store.ready(5_000);
    streams = createRedisEventStreams(store.redis, { maxLength: 100, maxAgeMs: 3_600_000 });
    hub = createRealtimeHub(
      { pubsub: new MemoryPubSub(), log: createLogger({ level: 'silent', env: 'test' }) },
      { boardIntervalMs: 1_000 },
    );
  });
  afterAll(async () => {
    hub.close();
    await store.close();
    await proxy.cut();
  });

  const event = (id: number): StoredEvent => ({
    id,
    type: 'srs_due',
    data: { due: id, localDate: '2026-11-30' },
    at: new Date().toISOString(),
  });

  it('rides out the outage and delivers what was appended once Redis is back', async () => {
    const userId = randomUUID();
    const abort = new AbortController();
    const feed = userFeed({ hub, eventStreams: streams }, userId, {
      lastEventId: '0-0',
      signal: abort.signal,
    });
    const received: FeedItem[] = [];
    let failure: unknown;
    const consuming = (async () => {
      try {
        for await (const item of feed) received.push(item);
      } catch (error) {
        failure = error;
      }
    })();
    await streams.append(userId, [event(1)]);
    await hub.wakeUsers([userId]);
    await until(() => received.length === 1);

    await proxy.cut();
    await until(() => !store.availability.up);
    // Woken while Redis is away: its read fails, and it must retry rather than end.
    await hub.wakeUsers([userId]);
    await sleep(400);
    await proxy.restore();
    await until(() => store.availability.up);
    await streams.append(userId, [event(2)]);
    await hub.wakeUsers([userId]);
    await until(() => received.length === 2 || failure !== undefined);

    expect(failure).toBeUndefined();
    expect(received.map((item) => (item.kind === 'entry' ? item.entry.event.id : null))).toEqual([1, 2]);
    abort.abort();
    await consuming;
  });
});

async function until(condition: () => boolean, timeoutMs = 8_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}
