import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { loadEnv } from '../../config/env.js';
import { closeDeps, createDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../../modules/audit/service.js';
import { assertPasswordPolicy, hashPassword } from '../../modules/auth/passwords.js';
import * as authRepo from '../../modules/auth/repo.js';
import { runMigrations } from '../migrate.js';
import { runCli } from './run-cli.js';

/**
 * `npm run admin:create -- <email> [name]`: makes the first administrator, or promotes an existing user.
 * A new account's password is read from standard input (one line), never from the command line, so it
 * stays out of shell history: `printf '%s\n' "$PASSWORD" | npm run admin:create -- ops@example.com`.
 */
await runCli(async () => {
  const [rawEmail, rawName] = process.argv.slice(2);
  const email = z.string().trim().toLowerCase().pipe(z.email()).safeParse(rawEmail);
  if (!email.success) throw new Error('usage: npm run admin:create -- <email> [name]  (password on stdin)');

  const deps = await createDeps(loadEnv());
  try {
    await runMigrations(deps.db, deps.log);
    const existing = await authRepo.findUserByEmail(deps.db, email.data);
    if (existing) {
      await deps.db.transaction(async (tx) => {
        await authRepo.updateUser(tx, existing.id, { role: 'admin' });
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
      deps.log.info({ userId: existing.id }, 'existing user promoted to admin');
      return;
    }
    const password = await readPassword();
    assertPasswordPolicyOrExplain(password, email.data);
    const passwordHash = await hashPassword(password);
    const user = await deps.db.transaction(async (tx) => {
      const user = await authRepo.insertUser(tx, {
        email: email.data,
        name: rawName?.trim() || 'Administrator',
        passwordHash,
        role: 'admin',
        emailVerified: true,
      });
      if (!user)
        throw new Error('an account with this email was created concurrently; run again to promote it');
      await recordAudit(
        { db: tx, log: deps.log },
        { event: 'admin_created', severity: 'high', target: user.id, details: { via: 'cli' } },
      );
      return user;
    });
    deps.log.info({ userId: user.id }, 'admin created');
  } finally {
    await closeDeps(deps);
  }
});

async function readPassword(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('Password for the new admin: ');
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('no password on standard input');
}

function assertPasswordPolicyOrExplain(password: string, email: string): void {
  try {
    assertPasswordPolicy(password, email);
  } catch (error) {
    throw new Error(error instanceof AppError ? error.message : 'password rejected');
  }
}
