import { randomUUID } from 'node:crypto';
import type { User } from '../src/db/schema/index.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import * as authRepo from '../src/modules/auth/repo.js';
import { startSession } from '../src/modules/auth/sessions.js';
import { createAccount } from '../src/modules/users/accounts.js';
import type { TestApp, TrpcClient } from './harness.js';

export const TEST_PASSWORD = 'Correct-Horse-42';

// One argon2 hash for every factory user: hashing per test would dominate the suite's run time.
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  user: User;
  password: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** Authorization header value. */
  authorization: string;
  /** A tRPC client (httpBatchLink + superjson) that sends this user's access token. */
  client: TrpcClient;
}

/**
 * Creates a user through the real repository and session code (no HTTP round trip), with a fresh session.
 * Each call makes a new user with a unique email, so tests never share or depend on each other's data.
 */
export async function createUser(
  t: TestApp,
  overrides: Partial<Pick<User, 'email' | 'name' | 'role' | 'timezone' | 'emailVerified'>> = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = overrides.email ?? `user-${randomUUID().slice(0, 12)}@example.com`;
  const { user, tokens } = await t.deps.db.transaction(async (tx) => {
    const hash = await passwordHash!;
    const user = await createAccount(
      { db: tx },
      {
        email,
        name: overrides.name ?? 'Test User',
        passwordHash: hash,
        role: overrides.role ?? 'user',
        timezone: overrides.timezone ?? 'UTC',
        emailVerified: overrides.emailVerified ?? false,
      },
    );
    if (!user) throw new Error(`email taken: ${email}`);
    await authRepo.insertPasswordHistory(tx, user.id, hash);
    const tokens = await startSession(t.deps, tx, user, { ip: '127.0.0.1', userAgent: 'vitest' });
    return { user, tokens };
  });
  const authorization = `Bearer ${tokens.accessToken}`;
  return {
    user,
    password: TEST_PASSWORD,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    sessionId: tokens.sessionId,
    authorization,
    client: await clientWithToken(t, tokens.accessToken),
  };
}

/** A tRPC client for the app under test that sends the given access token (or none). */
export function clientWithToken(t: TestApp, accessToken: string | null): Promise<TrpcClient> {
  return t.trpc(accessToken ? { headers: { authorization: `Bearer ${accessToken}` } } : {});
}
