import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique, usingRedis } from '../../../test/harness.js';
import { featureFlags } from '../../db/schema/index.js';
import { FLAGS_CHANNEL } from './provider.js';

/** Far beyond the waits below: whatever an instance sees, it saw through pub/sub, not the refresh. */
const NO_REFRESH = { FLAGS_REFRESH_SECONDS: '3600' };
const SHORT_WAIT = { timeout: 2_000, interval: 50 };

describe.runIf(usingRedis())('flag changes across instances sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    // Two instances of the service: one database, one Redis, each its own flag cache.
    a = await createTestApp({ env: NO_REFRESH });
    b = await createTestApp({ env: NO_REFRESH });
    admin = await createUser(a, { role: 'admin' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("reach the other instance's cache at once, flags and overrides alike", async () => {
    const key = unique('flag').toLowerCase();
    const alice = await createUser(a);
    await admin.client.admin.flags.set.mutate({ key, enabled: false, rolloutPercent: 100 });
    await vi.waitFor(
      async () => expect(await b.deps.flags.isEnabled(key, alice.user.id)).toBe(false),
      SHORT_WAIT,
    );
    expect(await b.deps.flags.isEnabled(key, null)).toBe(false);

    await admin.client.admin.flags.set.mutate({ key, enabled: true, rolloutPercent: 100 });
    expect(await a.deps.flags.isEnabled(key, null)).toBe(true);
    await vi.waitFor(async () => expect(await b.deps.flags.isEnabled(key, null)).toBe(true), SHORT_WAIT);

    // B has cached alice's overrides (none): the change message drops them.
    expect(await b.deps.flags.isEnabled(key, alice.user.id)).toBe(true);
    await admin.client.admin.flags.setOverride.mutate({ key, userId: alice.user.id, value: false });
    await vi.waitFor(
      async () => expect(await b.deps.flags.isEnabled(key, alice.user.id)).toBe(false),
      SHORT_WAIT,
    );

    await admin.client.admin.flags.delete.mutate({ key });
    await vi.waitFor(async () => expect(await b.deps.flags.isEnabled(key, null)).toBe(false), SHORT_WAIT);
  });
});

describe('flag changes in embedded mode (no Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ...NO_REFRESH, REDIS_URL: undefined } });
  });
  afterAll(() => t.close());

  it('are picked up from the in-process pub/sub', async () => {
    expect(t.deps.store.kv.kind).toBe('memory');
    const key = unique('flag').toLowerCase();
    // Written behind the service's back (as another process would), then announced.
    await t.deps.db.insert(featureFlags).values({ key, enabled: true, rolloutPercent: 100 });
    expect(await t.deps.flags.isEnabled(key, null)).toBe(false);
    await t.deps.pubsub.publish(FLAGS_CHANNEL, key);
    await vi.waitFor(async () => expect(await t.deps.flags.isEnabled(key, null)).toBe(true), SHORT_WAIT);

    const admin = await createUser(t, { role: 'admin' });
    await admin.client.admin.flags.set.mutate({ key, enabled: false, rolloutPercent: 100 });
    expect(await t.deps.flags.isEnabled(key, null)).toBe(false);
  });
});
