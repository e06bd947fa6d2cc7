import { ENTITLEMENTS, type Entitlement } from '../../db/schema/index.js';
import { recordAudit } from '../audit/service.js';
import * as repo from './repo.js';
import type { RevenuecatEvent } from './schema.js';
import type { UsersDeps } from './service.js';

type EntitlementName = Entitlement['entitlement'];

/** Events that start or prolong access. */
const GRANTING = new Set([
  'INITIAL_PURCHASE',
  'RENEWAL',
  'UNCANCELLATION',
  'NON_RENEWING_PURCHASE',
  'PRODUCT_CHANGE',
  'SUBSCRIPTION_EXTENDED',
]);

/** Our store products; each unlocks premium. */
const PREMIUM_PRODUCTS = new Set(['premium_monthly', 'premium_yearly', 'premium_lifetime']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RevenuecatOutcome = 'granted' | 'revoked' | 'recorded' | 'duplicate';

/**
 * Applies one RevenueCat webhook event, exactly once per event id: the event is recorded in the same
 * transaction as its effect, so a retry after a crash either finds both or neither. Purchases grant or
 * extend an entitlement, EXPIRATION revokes it, CANCELLATION changes nothing (access runs to its expiry).
 * Everything else, and events for users we do not know, is recorded and ignored: RevenueCat retries any
 * non-2xx answer, so nothing here throws on purpose.
 */
export async function applyRevenuecatEvent(
  deps: Pick<UsersDeps, 'db' | 'log' | 'clock'>,
  event: RevenuecatEvent,
  client: { ip: string | null; userAgent: string | null },
): Promise<RevenuecatOutcome> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const appUserId = event.app_user_id ?? '';
    const userId =
      UUID.test(appUserId) && (await repo.userExists(tx, appUserId)) ? appUserId.toLowerCase() : null;
    const fresh = await repo.insertRevenuecatEvent(tx, { eventId: event.id, type: event.type, userId });
    if (!fresh) return 'duplicate';
    const names = entitlementsOf(event);
    if (!userId || names.length === 0) return 'recorded';

    const expiresAt = typeof event.expiration_at_ms === 'number' ? new Date(event.expiration_at_ms) : null;
    let outcome: RevenuecatOutcome = 'recorded';
    if (GRANTING.has(event.type)) {
      for (const entitlement of names) {
        await repo.upsertEntitlement(tx, {
          userId,
          entitlement,
          source: 'revenuecat',
          productId: event.product_id ?? null,
          expiresAt,
        });
      }
      outcome = 'granted';
    } else if (event.type === 'EXPIRATION') {
      const revoked = await repo.revokeEntitlements(tx, {
        userId,
        now,
        source: 'revenuecat',
        entitlements: names,
        ...(expiresAt ? { expiringBy: expiresAt } : {}),
      });
      if (revoked.length > 0) outcome = 'revoked';
    }
    if (outcome === 'recorded') return outcome;

    const isPremium = await repo.syncPremiumFlag(tx, userId, now);
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: outcome === 'granted' ? 'premium_granted' : 'premium_revoked',
        severity: 'medium',
        actorUserId: userId,
        target: userId,
        ...client,
        details: {
          source: 'revenuecat',
          eventId: event.id,
          type: event.type,
          entitlements: names,
          productId: event.product_id ?? null,
          expiresAt: expiresAt?.toISOString() ?? null,
          isPremium,
        },
      },
    );
    return outcome;
  });
}

/** Our entitlements named by the event, or premium when only the product says so. */
function entitlementsOf(event: RevenuecatEvent): EntitlementName[] {
  const ids = [...(event.entitlement_ids ?? []), ...(event.entitlement_id ? [event.entitlement_id] : [])];
  const named = ENTITLEMENTS.filter((entitlement) => ids.includes(entitlement));
  if (named.length > 0) return named;
  return event.product_id && PREMIUM_PRODUCTS.has(event.product_id) ? ['premium'] : [];
}
