import type { Db, Tx } from '../../db/client.js';
import type { NewUser, User } from '../../db/schema/index.js';
import { enqueueMail } from '../../integrations/mailer/index.js';
import type { Logger } from '../../lib/logger.js';
import { recordAudit } from '../audit/service.js';
import { resolveTimeZone } from './local-date.js';
import * as repo from './repo.js';

/**
 * Accounts as other modules see them (sign-in, sessions, erasure, the admin CLI). The users module owns
 * the `users` table: everything that writes it goes through here or the users services.
 */

type DbDeps = { db: Db | Tx };

export function findAccountByEmail(deps: DbDeps, email: string): Promise<User | null> {
  return repo.findUserByEmail(deps.db, email);
}

/** The account, optionally locked until the caller's transaction ends. */
export function findAccountById(deps: DbDeps, userId: string, options: { lock?: boolean } = {}) {
  return repo.findUserById(deps.db, userId, options);
}

/** What creating an account may set; everything else takes its default. */
export type NewAccount = Pick<
  NewUser,
  'email' | 'passwordHash' | 'name' | 'displayName' | 'role' | 'emailVerified' | 'timezone'
> &
  Pick<NewUser, 'registrationIp' | 'deviceFingerprint'>;

/** Creates the account with its settings and stats. Returns null when the email is taken. */
export function createAccount(deps: { db: Tx }, account: NewAccount): Promise<User | null> {
  return repo.insertUser(deps.db, account);
}

/** The credential and role columns that account flows change. */
export type AccountChanges = Partial<Pick<NewUser, 'passwordHash' | 'emailVerified' | 'role'>>;

export function updateAccount(deps: DbDeps, userId: string, changes: AccountChanges): Promise<void> {
  return repo.updateUser(deps.db, userId, changes);
}

/** Deletes the account row; every row that references it goes too. */
export function deleteAccountRow(deps: { db: Tx }, userId: string): Promise<boolean> {
  return repo.deleteUser(deps.db, userId);
}

/** Whether the stored role is admin: access tokens carry a role, but a demotion must act at once. */
export async function hasAdminRole(deps: DbDeps, userId: string): Promise<boolean> {
  return (await repo.findUserById(deps.db, userId))?.role === 'admin';
}

export type EmailConfirmation = 'verified' | 'changed' | 'not_this_account';

/**
 * Applies a confirmed email code (in the caller's transaction): the account's own address becomes
 * verified, or its pending address becomes its address (verified), the old one is told, and the change
 * is audited. `not_this_account` when the address is neither, e.g. the account moved on since the code
 * was sent. CONFLICT (from the unique index) if another account took the address meanwhile.
 */
export async function confirmEmailAddress(
  deps: { db: Tx; log: Logger },
  userId: string,
  email: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<EmailConfirmation> {
  const user = await repo.findUserById(deps.db, userId, { lock: true });
  if (user?.email === email) {
    await repo.updateUser(deps.db, userId, { emailVerified: true });
    await recordAudit(deps, { event: 'email_verified', severity: 'low', actorUserId: userId, ...client });
    return 'verified';
  }
  if (!user || user.pendingEmail !== email) return 'not_this_account';
  await repo.updateUser(deps.db, userId, { email, pendingEmail: null, emailVerified: true });
  await enqueueMail(deps.db, {
    userId,
    kind: 'security_notice',
    to: user.email,
    subject: 'Your Linguamate email address was changed',
    text:
      `The email address of your Linguamate account is now ${email}. You will sign in with it from now on.\n\n` +
      'If you did not make this change, reset your password at once and contact support.',
  });
  await recordAudit(deps, {
    event: 'email_changed',
    severity: 'high',
    actorUserId: userId,
    ...client,
    details: { previousDomain: user.email.split('@')[1] ?? null },
  });
  return 'changed';
}

/** What practice needs to know of a learner: their zone (their days) and whether they are premium now. */
export async function learnerOf(deps: DbDeps, userId: string, now: Date) {
  const state = await repo.findQuotaState(deps.db, userId, now);
  return state && { timeZone: resolveTimeZone(state.timezone), isPremium: Boolean(state.isPremium) };
}
