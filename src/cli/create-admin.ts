import { createInterface } from 'node:readline/promises';
import type { Env } from '../config/env.js';
import { runMigrations } from '../db/migrate.js';
import { closeDeps, createDeps, type DepsOverrides } from '../deps.js';
import { ensureAdministrator } from '../modules/auth/admin.js';
import { email } from '../modules/users/schema.js';
import { runAsCli } from './run-cli.js';

const USAGE = 'usage: npm run admin:create -- <email> [name]  (password on stdin)';

/**
 * `npm run admin:create -- <email> [name]`: makes the first administrator, or promotes an existing user.
 * A new account's password is read from standard input (one line), never from the command line, so it
 * stays out of shell history: `printf '%s\n' "$PASSWORD" | npm run admin:create -- ops@example.com`.
 */
export async function createAdmin(
  env: Env,
  args: readonly string[],
  readPassword: () => Promise<string>,
  overrides: DepsOverrides = {},
): Promise<{ userId: string; created: boolean }> {
  const [rawEmail, rawName] = args;
  const parsed = email.safeParse(rawEmail);
  if (!parsed.success) throw new Error(USAGE);
  const deps = await createDeps(env, overrides);
  try {
    await runMigrations(deps.db, deps.log);
    const name = rawName?.trim();
    const result = await ensureAdministrator(deps, {
      email: parsed.data,
      ...(name && { name }),
      readPassword,
    });
    deps.log.info(
      { userId: result.userId },
      result.created ? 'admin created' : 'existing user promoted to admin',
    );
    return result;
  } finally {
    await closeDeps(deps);
  }
}

async function passwordFromStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('Password for the new admin: ');
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new Error('no password on standard input');
}

await runAsCli(import.meta.url, async (env) => {
  await createAdmin(env, process.argv.slice(2), passwordFromStdin);
});
