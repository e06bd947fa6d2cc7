import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { NewUser, NewUserSettings, User } from '../../db/schema/index.js';
import type { Mailer } from '../../integrations/mailer/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { KeyValueStore } from '../../lib/store/types.js';
import { recordAudit } from '../audit/service.js';
import { issueCode } from '../verification/service.js';
import { requireProfile, type UserDto } from './profile.js';
import * as repo from './repo.js';
import type { CompleteOnboardingInput, ProfileChanges } from './schema.js';

/** What the users module needs. */
export interface UsersDeps {
  db: Db;
  log: Logger;
  clock: () => Date;
  env: Env;
  kv: KeyValueStore;
  mailer: Pick<Mailer, 'wake'>;
}

/** Who is acting, and from where, for the audit trail. */
export interface Actor {
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
}

/** The audit fields of an actor. */
export const auditClient = (actor: Actor) => ({ ip: actor.ip ?? null, userAgent: actor.userAgent ?? null });

/** `user.get`: the caller's profile. Throws NOT_FOUND if the account no longer exists. */
export function getProfile(deps: UsersDeps, actor: Actor): Promise<UserDto> {
  return requireProfile(deps, actor.userId);
}

/**
 * Changes the caller's profile: `user.update` and `auth.updateProfile` both come here, so every field
 * follows one rule. Absent fields keep their value, and a change that changes nothing writes nothing and
 * returns the profile as it is.
 *
 * A new email address is not switched to: it is kept as `pendingEmail` and sent a verification code; the
 * current address stays the login until `auth.verifyEmail` confirms the new one. Sending the current
 * address (as full-object clients do) changes nothing. Throws CONFLICT when the new address belongs to
 * another account, NOT_FOUND if the caller's account no longer exists.
 */
export async function updateProfile(
  deps: UsersDeps,
  actor: Actor,
  changes: ProfileChanges,
): Promise<UserDto> {
  const { email, settings, ...fields } = changes;
  const userValues: Partial<NewUser> = definedOnly(fields);
  const settingsValues: Partial<NewUserSettings> = definedOnly(settings ?? {});
  if (Object.keys(userValues).length + Object.keys(settingsValues).length === 0 && email === undefined) {
    return requireProfile(deps, actor.userId);
  }
  const mailed = await deps.db.transaction(async (tx) => {
    const user = await repo.findUserById(tx, actor.userId, { lock: true });
    if (!user) throw new AppError('NOT_FOUND', 'User not found');
    const newEmail =
      email !== undefined && email !== user.email && email !== user.pendingEmail ? email : null;
    if (newEmail && (await repo.findUserByEmail(tx, newEmail))) {
      throw new AppError('CONFLICT', 'Email is already in use', {
        issues: [{ path: 'email', message: 'Email is already in use', code: 'ALREADY_EXISTS' }],
      });
    }
    const changed = changedFields(user, userValues);
    await repo.updateUser(tx, actor.userId, { ...changed, ...(newEmail && { pendingEmail: newEmail }) });
    await repo.upsertSettings(tx, actor.userId, settingsValues);
    if (newEmail) {
      await issueCode(deps, tx, { userId: actor.userId, email: newEmail, purpose: 'email_verify' });
      await recordAudit(
        { db: tx, log: deps.log },
        {
          event: 'email_change_requested',
          severity: 'high',
          actorUserId: actor.userId,
          ...auditClient(actor),
        },
      );
    }
    const fieldNames = [
      ...Object.keys(changed),
      ...Object.keys(settingsValues).map((key) => `settings.${key}`),
    ];
    if (fieldNames.length > 0) {
      await recordAudit(
        { db: tx, log: deps.log },
        {
          event: 'profile_updated',
          severity: 'low',
          actorUserId: actor.userId,
          ...auditClient(actor),
          details: { fields: fieldNames },
        },
      );
    }
    return newEmail !== null;
  });
  if (mailed) deps.mailer.wake();
  return requireProfile(deps, actor.userId);
}

/**
 * `user.completeOnboarding`: stores the onboarding answers and marks onboarding done. It never touches
 * premium, stats or settings, so repeating onboarding cannot cost a user anything.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function completeOnboarding(
  deps: UsersDeps,
  actor: Actor,
  input: CompleteOnboardingInput,
): Promise<UserDto> {
  await deps.db.transaction(async (tx) => {
    if (!(await repo.userExists(tx, actor.userId))) throw new AppError('NOT_FOUND', 'User not found');
    await repo.updateUser(tx, actor.userId, { ...definedOnly(input), onboardingCompleted: true });
  });
  return requireProfile(deps, actor.userId);
}

/** The entries whose value is not `undefined`: Drizzle skips those, but an empty change must be seen as one. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The values that differ from what the user row holds (arrays compared by their items). */
function changedFields(user: User, values: Partial<NewUser>): Partial<NewUser> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([key, value]) => JSON.stringify(user[key as keyof User]) !== JSON.stringify(value),
    ),
  ) as Partial<NewUser>;
}
