import type { NewUser, NewUserSettings } from '../../db/schema/index.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { requireProfile, type UserDto } from './profile.js';
import * as repo from './repo.js';
import type { CompleteOnboardingInput, UpdateUserInput } from './schema.js';

export type UsersDeps = Pick<Deps, 'db' | 'log' | 'clock' | 'env' | 'kv'>;

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
 * `user.update`: a partial update of profile fields and settings; absent fields keep their value.
 * The login email is not changed here: a different `email` is refused with VALIDATION_ERROR pointing to
 * auth.updateProfile, which verifies ownership (an unchanged one, as full-object clients send, is fine).
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function updateUser(deps: UsersDeps, actor: Actor, input: UpdateUserInput): Promise<UserDto> {
  const { email, settings, ...fields } = input;
  const userValues: Partial<NewUser> = stripUndefined(fields);
  const settingsValues: Partial<NewUserSettings> = stripUndefined(settings ?? {});
  await deps.db.transaction(async (tx) => {
    // One read answers both "does the account exist" and "is the email unchanged".
    const current = await repo.findUserEmail(tx, actor.userId);
    if (current === null) throw new AppError('NOT_FOUND', 'User not found');
    if (email !== undefined && email.toLowerCase() !== current) {
      const message = 'The login email cannot be changed here; use auth.updateProfile';
      throw new AppError('VALIDATION_ERROR', message, {
        issues: [{ path: 'email', message, code: 'email_change_not_allowed' }],
      });
    }
    await repo.updateUserColumns(tx, actor.userId, userValues);
    await repo.upsertSettings(tx, actor.userId, settingsValues);
  });
  return requireProfile(deps, actor.userId);
}

/**
 * `user.completeOnboarding`: stores the onboarding answers and marks onboarding done. Unlike the old mock
 * it never touches premium, stats or settings, so repeating onboarding cannot cost a user anything.
 * Throws NOT_FOUND if the account no longer exists.
 */
export async function completeOnboarding(
  deps: UsersDeps,
  actor: Actor,
  input: CompleteOnboardingInput,
): Promise<UserDto> {
  await deps.db.transaction(async (tx) => {
    if (!(await repo.userExists(tx, actor.userId))) throw new AppError('NOT_FOUND', 'User not found');
    await repo.updateUserColumns(tx, actor.userId, { ...stripUndefined(input), onboardingCompleted: true });
  });
  return requireProfile(deps, actor.userId);
}

/** Drizzle treats `undefined` as "leave alone" already; stripping keeps empty updates detectable. */
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
