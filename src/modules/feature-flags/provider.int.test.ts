import { randomUUID } from 'node:crypto';
import { ErrorCode, ProviderEvents } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique, usingPostgres } from '../../../test/harness.js';
import { proxiedPostgres } from '../../../test/proxied-postgres.js';
import { createLogger } from '../../lib/logger.js';
import { createMemoryStore } from '../../lib/store/memory-store.js';
import { createFeatureFlags } from './flags.js';
import { FLAGS_CHANNEL, PostgresFlagProvider } from './provider.js';
import * as service from './service.js';

let t: TestApp;
let admin: TestUser;
let provider: PostgresFlagProvider;
const silent = createLogger({ level: 'silent', env: 'test' });

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t, { role: 'admin' });
  provider = new PostgresFlagProvider(
    { db: t.deps.db, pubsub: t.deps.pubsub, log: silent },
    { refreshMs: 60_000 },
  );
  await provider.initialize();
});
afterAll(async () => {
  await provider.onClose();
  await t.close();
});

const actor = () => ({ userId: admin.user.id });
/** A flag of this test's own (the database is shared), set through the admin service. */
async function flag(values: { enabled: boolean; rolloutPercent: number }) {
  const key = unique('flag').toLowerCase();
  await service.setFlag(t.deps, actor(), { key, ...values });
  await provider.invalidate();
  return key;
}
const resolve = (key: string, userId: string | null) =>
  provider.resolveBooleanEvaluation(key, false, userId ? { targetingKey: userId } : {});

describe('PostgresFlagProvider', () => {
  it('answers a boolean flag on and off, with its variant and reason', async () => {
    const key = await flag({ enabled: true, rolloutPercent: 100 });
    expect(await resolve(key, randomUUID())).toEqual({ value: true, variant: 'on', reason: 'DEFAULT' });
    expect(await resolve(key, null)).toEqual({ value: true, variant: 'on', reason: 'DEFAULT' });
    expect(await t.deps.flags.isEnabled(key, null)).toBe(true);

    await service.setFlag(t.deps, actor(), { key, enabled: false, rolloutPercent: 100 });
    await provider.invalidate();
    expect(await resolve(key, randomUUID())).toEqual({ value: false, variant: 'off', reason: 'DISABLED' });
    expect(await t.deps.flags.isEnabled(key, null)).toBe(false);
  });

  it('rolls out to about its share of 1,000 users, each always the same way', async () => {
    const key = await flag({ enabled: true, rolloutPercent: 30 });
    const users = Array.from({ length: 1_000 }, () => randomUUID());
    const first = await Promise.all(users.map((user) => t.deps.flags.isEnabled(key, user)));
    const on = first.filter(Boolean).length;
    expect(on).toBeGreaterThan(240);
    expect(on).toBeLessThan(360);
    const again = await Promise.all(users.map((user) => t.deps.flags.isEnabled(key, user)));
    expect(again).toEqual(first);
    expect((await resolve(key, users[0]!)).reason).toBe('SPLIT');
    // Anonymous callers are outside a partial rollout.
    expect(await t.deps.flags.isEnabled(key, null)).toBe(false);

    // Widening the rollout keeps everyone who had it.
    await service.setFlag(t.deps, actor(), { key, enabled: true, rolloutPercent: 60 });
    const wider = await Promise.all(users.map((user) => t.deps.flags.isEnabled(key, user)));
    expect(first.every((was, index) => !was || wider[index])).toBe(true);
    expect(wider.filter(Boolean).length).toBeGreaterThan(on + 200);
  });

  it('lets an override win both ways', async () => {
    const alice = await createUser(t);
    const bob = await createUser(t);
    const key = await flag({ enabled: false, rolloutPercent: 0 });
    await service.setOverride(t.deps, actor(), { key, userId: alice.user.id, value: true });
    expect(await t.deps.flags.isEnabled(key, alice.user.id)).toBe(true);
    expect(await t.deps.flags.isEnabled(key, bob.user.id)).toBe(false);

    await service.setFlag(t.deps, actor(), { key, enabled: true, rolloutPercent: 100 });
    await service.setOverride(t.deps, actor(), { key, userId: bob.user.id, value: false });
    await provider.invalidate();
    expect(await t.deps.flags.isEnabled(key, bob.user.id)).toBe(false);
    expect(await resolve(key, bob.user.id)).toEqual({
      value: false,
      variant: 'off',
      reason: 'TARGETING_MATCH',
    });
    expect(await t.deps.flags.isEnabled(key, alice.user.id)).toBe(true);
    expect(await t.deps.flags.isEnabled(key, randomUUID())).toBe(true);

    await service.removeOverride(t.deps, actor(), { key, userId: bob.user.id });
    expect(await t.deps.flags.isEnabled(key, bob.user.id)).toBe(true);
  });

  it('answers the default for an unknown flag, and TYPE_MISMATCH for anything but a boolean', async () => {
    expect(await resolve('no-such-flag', randomUUID())).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    expect(await t.deps.flags.isEnabled('no-such-flag', randomUUID())).toBe(false);
    const key = await flag({ enabled: true, rolloutPercent: 100 });
    expect(await provider.resolveStringEvaluation(key, 'x')).toMatchObject({
      value: 'x',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await provider.resolveNumberEvaluation(key, 7)).toMatchObject({
      value: 7,
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('emits ConfigurationChanged on every reload', async () => {
    // A provider on a pub/sub of its own: the shared one carries other tests' changes, each a reload.
    const store = createMemoryStore();
    const own = new PostgresFlagProvider(
      { db: t.deps.db, pubsub: store.pubsub, log: silent },
      { refreshMs: 60_000 },
    );
    let changes = 0;
    const count = () => {
      changes += 1;
    };
    own.events.addHandler(ProviderEvents.ConfigurationChanged, count);
    await own.initialize();
    await own.invalidate();
    await store.pubsub.publish(FLAGS_CHANNEL, 'any');
    await vi.waitFor(() => expect(changes).toBe(3));
    await own.onClose();
    store.close();
  });
});

describe('feature flags without a database', () => {
  it.runIf(usingPostgres())(
    'start anyway, and answer off with an error code instead of throwing',
    async () => {
      const { database, proxy } = await proxiedPostgres();
      await proxy.cut();
      const store = createMemoryStore();
      const deps = { db: database.db, pubsub: store.pubsub, log: silent };
      try {
        const broken = new PostgresFlagProvider(deps, { refreshMs: 60_000 });
        await expect(broken.initialize()).rejects.toThrow();
        expect(
          await broken.resolveBooleanEvaluation('anything', false, { targetingKey: randomUUID() }),
        ).toMatchObject({
          value: false,
          reason: 'ERROR',
          errorCode: ErrorCode.PROVIDER_NOT_READY,
        });
        await broken.onClose();

        const flags = await createFeatureFlags(deps, { refreshMs: 60_000 });
        expect(await flags.isEnabled('anything', randomUUID())).toBe(false);
        expect(await flags.isEnabled('anything', null)).toBe(false);
        await flags.changed('anything');
        await flags.close();
      } finally {
        store.close();
        await database.close().catch(() => undefined);
      }
    },
  );

  it.runIf(usingPostgres())(
    'keep the flags they have when a reload fails, and answer off where they lack data',
    async () => {
      const { database, proxy } = await proxiedPostgres();
      const store = createMemoryStore();
      const own = new PostgresFlagProvider(
        { db: database.db, pubsub: store.pubsub, log: silent },
        { refreshMs: 60_000 },
      );
      try {
        const alice = await createUser(t);
        const everyone = await flag({ enabled: true, rolloutPercent: 100 });
        const overridden = await flag({ enabled: true, rolloutPercent: 100 });
        await service.setOverride(t.deps, actor(), { key: overridden, userId: alice.user.id, value: false });
        await own.initialize();
        expect(
          (await own.resolveBooleanEvaluation(overridden, false, { targetingKey: alice.user.id })).value,
        ).toBe(false);

        await proxy.cut();
        await expect(own.invalidate()).rejects.toThrow();
        // The snapshot stays: a flag without overrides needs nothing else.
        expect(
          await own.resolveBooleanEvaluation(everyone, false, { targetingKey: alice.user.id }),
        ).toMatchObject({
          value: true,
        });
        // Overrides were dropped with the invalidation and cannot be read again: the default, with an error.
        expect(
          await own.resolveBooleanEvaluation(overridden, true, { targetingKey: alice.user.id }),
        ).toMatchObject({
          value: true,
          reason: 'ERROR',
          errorCode: ErrorCode.GENERAL,
        });

        await proxy.restore();
        let ready = 0;
        own.events.addHandler(ProviderEvents.Ready, () => {
          ready += 1;
        });
        await own.invalidate();
        expect(ready).toBe(1);
        expect(
          (await own.resolveBooleanEvaluation(overridden, true, { targetingKey: alice.user.id })).value,
        ).toBe(false);
      } finally {
        await own.onClose();
        store.close();
        await database.close().catch(() => undefined);
      }
    },
  );
});
