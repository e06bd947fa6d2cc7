import type { Entitlement } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import type { UserDto } from './profile.js';
import { requireProfile } from './profile.js';
import * as repo from './repo.js';
import type { SetPremiumInput } from './schema.js';
import { type Actor, auditClient, type UsersDeps } from './service.js';

/**
 * `user.upgradeToPremium`. Payment goes through the stores and RevenueCat, so this only works where
 * ALLOW_DEV_PREMIUM_UPGRADE is on (never in production): it grants a permanent 'dev' entitlement.
 * Otherwise it is refused and audited. Throws FORBIDDEN when disabled, NOT_FOUND if the account is gone.
 */
export async function upgradeToPremium(deps: UsersDeps, actor: Actor): Promise<UserDto> {
  if (!deps.env.ALLOW_DEV_PREMIUM_UPGRADE) {
    await recordAudit(deps, {
      event: 'premium_upgrade_refused',
      severity: 'medium',
      actorUserId: actor.userId,
      ...auditClient(actor),
      details: { reason: 'dev_upgrade_disabled' },
    });
    throw new AppError('FORBIDDEN', 'Premium is available through an in-app purchase');
  }
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    if (!(await repo.userExists(tx, actor.userId))) throw new AppError('NOT_FOUND', 'User not found');
    await repo.upsertEntitlement(tx, {
      userId: actor.userId,
      entitlement: 'premium',
      source: 'dev',
      productId: null,
      expiresAt: null,
    });
    await repo.syncPremiumFlag(tx, actor.userId, now);
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'premium_granted',
        severity: 'medium',
        actorUserId: actor.userId,
        target: actor.userId,
        ...auditClient(actor),
        details: { source: 'dev', entitlement: 'premium' },
      },
    );
  });
  return requireProfile(deps, actor.userId);
}

/**
 * `admin.setPremium`: grants a permanent 'admin' entitlement, or revokes every live entitlement of the user
 * (whatever its source; a later store renewal grants again). Audited with the admin and the reason.
 * Throws NOT_FOUND for an unknown user.
 */
export async function setPremiumByAdmin(
  deps: UsersDeps,
  admin: Actor,
  input: SetPremiumInput,
): Promise<{ userId: string; isPremium: boolean }> {
  const now = deps.clock();
  const isPremiumNow = await deps.db.transaction(async (tx) => {
    if (!(await repo.userExists(tx, input.userId))) throw new AppError('NOT_FOUND', 'User not found');
    let revoked: Pick<Entitlement, 'entitlement' | 'source'>[] = [];
    if (input.premium) {
      await repo.upsertEntitlement(tx, {
        userId: input.userId,
        entitlement: 'premium',
        source: 'admin',
        productId: null,
        expiresAt: null,
      });
    } else {
      revoked = await repo.revokeEntitlements(tx, { userId: input.userId, now });
    }
    const premium = await repo.syncPremiumFlag(tx, input.userId, now);
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: input.premium ? 'premium_granted' : 'premium_revoked',
        severity: 'high',
        actorUserId: admin.userId,
        target: input.userId,
        ...auditClient(admin),
        details: { source: 'admin', reason: input.reason, ...(input.premium ? {} : { revoked }) },
      },
    );
    return premium;
  });
  return { userId: input.userId, isPremium: isPremiumNow };
}
