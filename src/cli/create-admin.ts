import { createInterface } from 'node:readline/promises';
import { loadEnv } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { closeDeps, createDeps } from '../deps.js';
import { ensureAdministrator } from '../modules/auth/admin.js';
import { email } from '../modules/users/schema.js';
import { runCli } from './run-cli.js';

/**
 * `npm run admin:create -- <email> [name]`: makes the first administrator, or promotes an existing user.
 * A new account's password is read from standard input (one line), never from the command line, so it
 * stays out of shell history: `printf '%s\n' "$PASSWORD" | npm run admin:create -- ops@example.com`.
 */
await runCli(async () => {
  const [rawEmail, rawName] = process.argv.slice(2);
  const parsed = email.safeParse(rawEmail);
  if (!parsed.success) throw new Error('usage: npm run admin:create -- <email> [name]  (password on stdin)');
  const deps = await createDeps(loadEnv());
  try {
    await runMigrations(deps.db, deps.log);
    const { userId, created } = await ensureAdministrator(deps, {
      email: parsed.data,
      ...(rawName?.trim() && { name: rawName.trim() }),
      readPassword,
    });
    deps.log.info({ userId }, created ? 'admin created' : 'existing user promoted to admin');
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
