import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { inProcessApi } from '../../../test/in-process.js';
import { auditEvents, entitlements, revenuecatEvents, users } from '../../db/schema/index.js';

const SECRET = 'rc-webhook-secret-0123456789';
const PATH = '/api/webhooks/revenuecat';
const DAY_MS = 86_400_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { REVENUECAT_WEBHOOK_SECRET: SECRET } });
});
afterAll(() => t.close());

function deliver(body: unknown, authorization: string | null = `Bearer ${SECRET}`, app: TestApp = t) {
  return app.request(PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function event(appUserId: string, type: string, extra: Record<string, unknown> = {}) {
  return {
    api_version: '1.0',
    event: {
      id: randomUUID().toUpperCase(),
      type,
      app_user_id: appUserId,
      entitlement_ids: ['premium'],
      product_id: 'premium_monthly',
      expiration_at_ms: Date.now() + 30 * DAY_MS,
      event_timestamp_ms: Date.now(),
      environment: 'SANDBOX',
      ...extra,
    },
  };
}

async function isPremium(accessToken: string) {
  return (await inProcessApi(t).client(accessToken).user.get.query()).isPremium;
}

const storedFlag = async (userId: string) =>
  (await t.deps.db.select({ isPremium: users.isPremium }).from(users).where(eq(users.id, userId)))[0]
    ?.isPremium;

describe('POST /api/webhooks/revenuecat: authentication and validation', () => {
  it('does not exist while no secret is configured: 404 with the JSON envelope, to anyone', async () => {
    const bare = await createTestApp();
    try {
      const response = await deliver(event(randomUUID(), 'TEST'), `Bearer ${SECRET}`, bare);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        code: 'NOT_FOUND',
        message: expect.any(String),
        requestId: response.headers.get('x-correlation-id'),
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    } finally {
      await bare.close();
    }
  });

  it('checks the secret before reading the body: a wrong one gets 401 whatever the body', async () => {
    const oversized = JSON.stringify({ padding: 'x'.repeat(100_000) });
    for (const body of [oversized, '{"event":']) {
      const response = await deliver(body, 'Bearer not-the-secret-at-all');
      expect(response.status).toBe(401);
    }
    expect((await deliver(oversized)).status).toBe(413);
  });

  it.each([
    ['missing', null],
    ['wrong', 'Bearer not-the-secret-at-all'],
    ['unprefixed', SECRET],
    ['longer', `Bearer ${SECRET}x`],
  ])('answers 401 for a %s secret and records nothing', async (_case, authorization) => {
    const body = event(randomUUID(), 'TEST');
    const response = await deliver(body, authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const rows = await t.deps.db
      .select()
      .from(revenuecatEvents)
      .where(eq(revenuecatEvents.eventId, body.event.id));
    expect(rows).toEqual([]);
  });

  it('answers 400 with the envelope for malformed JSON or a body that is not an event', async () => {
    const malformed = await deliver('{"event":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });

    const invalid = await deliver({ event: { type: 'INITIAL_PURCHASE', expiration_at_ms: 'soon' } });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { code: string; issues: { path: string }[] };
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['event.id', 'event.expiration_at_ms']),
    );
  });
});

describe('POST /api/webhooks/revenuecat: entitlements', () => {
  it('grants premium on a purchase, ignores a repeated event id, revokes on expiration', async () => {
    const { user, accessToken } = await createUser(t);
    const purchase = event(user.id, 'INITIAL_PURCHASE');
    const first = await deliver(purchase);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true });
    expect(await isPremium(accessToken)).toBe(true);
    expect(await storedFlag(user.id)).toBe(true);

    // A retry of the same event id changes nothing, whatever it now claims.
    const replay = await deliver({ ...purchase, event: { ...purchase.event, type: 'EXPIRATION' } });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, duplicate: true });
    expect(await isPremium(accessToken)).toBe(true);

    const expiration = await deliver(
      event(user.id, 'EXPIRATION', { expiration_at_ms: purchase.event.expiration_at_ms }),
    );
    expect(expiration.status).toBe(200);
    expect(await isPremium(accessToken)).toBe(false);
    expect(await storedFlag(user.id)).toBe(false);
    expect(
      await t.deps.db.select().from(revenuecatEvents).where(eq(revenuecatEvents.userId, user.id)),
    ).toHaveLength(2);
  });

  it('keeps access through a cancellation and a stale expiration after a renewal', async () => {
    const { user, accessToken } = await createUser(t);
    const firstExpiry = Date.now() + DAY_MS;
    await deliver(event(user.id, 'INITIAL_PURCHASE', { expiration_at_ms: firstExpiry }));
    await deliver(event(user.id, 'RENEWAL', { expiration_at_ms: firstExpiry + 30 * DAY_MS }));
    await deliver(event(user.id, 'CANCELLATION', { expiration_at_ms: firstExpiry + 30 * DAY_MS }));
    // The expiry of the first period, delivered late: the renewal already extended past it.
    await deliver(event(user.id, 'EXPIRATION', { expiration_at_ms: firstExpiry }));
    expect(await isPremium(accessToken)).toBe(true);
    const [row] = await t.deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id));
    expect(row).toMatchObject({ entitlement: 'premium', source: 'revenuecat', revokedAt: null });
    expect(row?.expiresAt?.getTime()).toBe(firstExpiry + 30 * DAY_MS);
  });

  it('grants from the product alone, and a lifetime purchase never expires', async () => {
    const { user, accessToken } = await createUser(t);
    await deliver(
      event(user.id, 'NON_RENEWING_PURCHASE', {
        entitlement_ids: null,
        product_id: 'premium_lifetime',
        expiration_at_ms: null,
      }),
    );
    expect(await isPremium(accessToken)).toBe(true);
    const [row] = await t.deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id));
    expect(row).toMatchObject({ entitlement: 'premium', productId: 'premium_lifetime', expiresAt: null });
  });

  it('grants pro from entitlement_ids', async () => {
    const { user } = await createUser(t);
    await deliver(event(user.id, 'INITIAL_PURCHASE', { entitlement_ids: ['pro'], product_id: 'pro_yearly' }));
    const rows = await t.deps.db.select().from(entitlements).where(eq(entitlements.userId, user.id));
    expect(rows.map((row) => row.entitlement)).toEqual(['pro']);
    expect(await storedFlag(user.id)).toBe(true);
  });

  it('records and ignores unknown event types', async () => {
    const { user, accessToken } = await createUser(t);
    const body = event(user.id, 'SOMETHING_NEW');
    const response = await deliver(body);
    expect(response.status).toBe(200);
    expect(await isPremium(accessToken)).toBe(false);
    const [row] = await t.deps.db
      .select()
      .from(revenuecatEvents)
      .where(eq(revenuecatEvents.eventId, body.event.id));
    expect(row).toMatchObject({ type: 'SOMETHING_NEW', userId: user.id });
  });

  it.each([randomUUID(), '$RCAnonymousID:8a2f0c'])(
    'answers 200 for an unknown user %s and records it without a user',
    async (appUserId) => {
      const body = event(appUserId, 'INITIAL_PURCHASE');
      const response = await deliver(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true });
      const [row] = await t.deps.db
        .select()
        .from(revenuecatEvents)
        .where(eq(revenuecatEvents.eventId, body.event.id));
      expect(row).toMatchObject({ type: 'INITIAL_PURCHASE', userId: null });
    },
  );
});

describe('POST /api/webhooks/revenuecat: audit trail', () => {
  it('records the address the delivery came from', async () => {
    const { user } = await createUser(t);
    const response = await fetch(`${await t.listen()}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: JSON.stringify(event(user.id, 'INITIAL_PURCHASE')),
    });
    expect(response.status).toBe(200);
    const rows = await t.deps.db
      .select({ event: auditEvents.event, ip: auditEvents.ip })
      .from(auditEvents)
      .where(eq(auditEvents.target, user.id));
    expect(rows).toContainEqual({ event: 'premium_granted', ip: '127.0.0.1' });
  });
});
