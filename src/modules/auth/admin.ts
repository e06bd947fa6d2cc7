import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { createAccount, findAccountByEmail, updateAccount } from '../users/accounts.js';
import type { AuthDeps } from './deps.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import * as repo from './repo.js';

/**
 * Makes `email` an administrator (the operators' way in: `npm run admin:create`). An existing account is
 * promoted; otherwise one is created with a verified email and the password `readPassword` supplies,
 * which must pass the password policy (VALIDATION_ERROR). Audited as `admin_created`. CONFLICT when an
 * account with the email appears while it is being created.
 */
export async function ensureAdministrator(
  deps: Pick<AuthDeps, 'db' | 'log'>,
  input: { email: string; name?: string; readPassword: () => Promise<string> },
): Promise<{ userId: string; created: boolean }> {
  const existing = await findAccountByEmail(deps, input.email);
  if (existing) {
    await deps.db.transaction(async (tx) => {
      await updateAccount({ db: tx }, existing.id, { role: 'admin' });
      await recordAudit(
        { db: tx, log: deps.log },
        {
          event: 'admin_created',
          severity: 'high',
          target: existing.id,
          details: { via: 'cli', promoted: true },
        },
      );
    });
    return { userId: existing.id, created: false };
  }
  const password = await input.readPassword();
  assertPasswordPolicy(password, input.email);
  const passwordHash = await hashPassword(password);
  const userId = await deps.db.transaction(async (tx) => {
    const user = await createAccount(
      { db: tx },
      {
        email: input.email,
        name: input.name || 'Administrator',
        passwordHash,
        role: 'admin',
        emailVerified: true,
      },
    );
    if (!user)
      throw new AppError(
        'CONFLICT',
        'An account with this email was created meanwhile; run again to promote it',
      );
    await repo.insertPasswordHistory(tx, user.id, passwordHash);
    await recordAudit(
      { db: tx, log: deps.log },
      { event: 'admin_created', severity: 'high', target: user.id, details: { via: 'cli' } },
    );
    return user.id;
  });
  return { userId, created: true };
}
