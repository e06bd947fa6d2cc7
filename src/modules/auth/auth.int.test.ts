import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken, createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, type TrpcClient, unique } from '../../../test/harness.js';
import { queryRows } from '../../db/client.js';

let t: TestApp;
let anonymous: TrpcClient;
beforeAll(async () => {
  t = await createTestApp();
  anonymous = await clientWithToken(t, null);
});
afterAll(() => t.close());

const emailFor = (name: string) => `${unique(name)}@example.com`;

const auditEvents = (userId: string) =>
  queryRows<{ event: string; severity: string }>(
    t.deps.db,
    sql`select event, severity from audit_events where actor_user_id = ${userId} order by created_at`,
  );

describe("the app's own payloads (api-contract §7.2)", () => {
  it('signs up with {name, email, password} and logs in with the same password', async () => {
    const email = emailFor('jane');
    const signup = await anonymous.auth.signup.mutate({
      name: 'Jane_Doe',
      email: ` ${email.toUpperCase()} `,
      password: 'Secret123',
    });
    expect(signup).toMatchObject({
      user: { email, name: 'Jane_Doe', isPremium: false, emailVerified: false },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      sessionId: expect.any(String),
      securityLevel: 'medium',
    });
    for (const hidden of ['passwordHash', 'registrationIp', 'deviceFingerprint', 'password']) {
      expect(signup.user).not.toHaveProperty(hidden);
    }
    const login = await anonymous.auth.login.mutate({ email, password: 'Secret123' });
    expect(login.user.id).toBe(signup.user.id);
    expect(login.sessionId).not.toBe(signup.sessionId);
  });

  it('accepts the contract shape with displayName and acceptedTerms, and refuses acceptedTerms: false', async () => {
    const ok = await anonymous.auth.signup.mutate({
      email: emailFor('contract'),
      password: 'Tallinn2026Spring',
      displayName: 'Contract User',
      acceptedTerms: true,
      locale: 'en-US',
    });
    expect(ok.user.name).toBe('Contract User');
    await expect(
      anonymous.auth.signup.mutate({
        email: emailFor('noterms'),
        password: 'Tallinn2026Spring',
        name: 'No Terms',
        acceptedTerms: false,
      }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST', errorCode: 'VALIDATION_ERROR' } });
  });

  it('takes a name of up to 50 characters without a display name, and refuses 51 with 400', async () => {
    const name = 'N'.repeat(45);
    const ok = await anonymous.auth.signup.mutate({
      email: emailFor('long'),
      password: 'Tallinn2026Spring',
      name,
    });
    expect(ok.user).toMatchObject({ name, displayName: null });
    await expect(
      anonymous.auth.signup.mutate({
        email: emailFor('longer'),
        password: 'Tallinn2026Spring',
        name: 'N'.repeat(51),
      }),
    ).rejects.toMatchObject({ data: { httpStatus: 400, errorCode: 'VALIDATION_ERROR' } });
  });

  it('refuses a duplicate email, a common password and one containing the email', async () => {
    const email = emailFor('dup');
    await anonymous.auth.signup.mutate({ name: 'Dup User', email, password: 'Secret123' });
    await expect(
      anonymous.auth.signup.mutate({ name: 'Dup Again', email, password: 'Secret123' }),
    ).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
    });
    await expect(
      anonymous.auth.signup.mutate({ name: 'Common', email: emailFor('common'), password: 'Password1' }),
    ).rejects.toMatchObject({
      data: { errorCode: 'VALIDATION_ERROR', issues: [{ code: 'PASSWORD_COMMON' }] },
    });
    const local = unique('marcopolo').replace('-', '');
    await expect(
      anonymous.auth.signup.mutate({ name: 'Marco', email: `${local}@example.com`, password: `X1${local}` }),
    ).rejects.toMatchObject({ data: { issues: [{ code: 'PASSWORD_CONTAINS_EMAIL' }] } });
  });
});

describe('login', () => {
  it('answers unknown email and wrong password with the same message', async () => {
    const { user } = await createUser(t);
    const unknown = await anonymous.auth.login
      .mutate({ email: emailFor('ghost'), password: 'Whatever123' })
      .catch((e: unknown) => e);
    const wrong = await anonymous.auth.login
      .mutate({ email: user.email, password: 'Whatever123' })
      .catch((e: unknown) => e);
    expect((unknown as Error).message).toBe('Invalid email or password');
    expect((wrong as Error).message).toBe('Invalid email or password');
  });

  it('locks an address out of an account after 5 failures, refuses even the right password, and audits it', async () => {
    const alice = await createUser(t);
    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(
        anonymous.auth.login.mutate({ email: alice.user.email, password: 'Wrong-Pass-1' }),
      ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    }
    // The fifth failure locks, and says so with the wait.
    for (const password of ['Wrong-Pass-1', alice.password]) {
      await expect(anonymous.auth.login.mutate({ email: alice.user.email, password })).rejects.toMatchObject({
        data: { code: 'TOO_MANY_REQUESTS', errorCode: 'ACCOUNT_LOCKED' },
      });
    }
    const events = await auditEvents(alice.user.id);
    expect(events.filter((event) => event.event === 'login_failed')).toHaveLength(5);
    expect(events).toContainEqual({ event: 'account_locked', severity: 'high' });
  });

  it('locks unknown emails the same way, so lockout reveals nothing', async () => {
    const email = emailFor('nobody');
    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(anonymous.auth.login.mutate({ email, password: 'Wrong-Pass-1' })).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(anonymous.auth.login.mutate({ email, password: 'Wrong-Pass-1' })).rejects.toMatchObject({
        data: { errorCode: 'ACCOUNT_LOCKED' },
      });
    }
  });
});

describe('refresh tokens', () => {
  it('rotate on every use: the new pair works, the old refresh token does not', async () => {
    const alice = await createUser(t);
    const first = await anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken });
    expect(first.refreshToken).not.toBe(alice.refreshToken);
    const client = await clientWithToken(t, first.accessToken);
    expect((await client.auth.getCurrentUser.query()).id).toBe(alice.user.id);
    const second = await anonymous.auth.refreshToken.mutate({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('let exactly one of two concurrent refreshes with the same token win', async () => {
    const alice = await createUser(t);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken }),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of results.filter((result) => result.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({
        data: { errorCode: 'TOKEN_ROTATED', httpStatus: 401 },
      });
    }
    // The losers were retries within the grace window: the session lives on.
    const winner = (won[0] as PromiseFulfilledResult<{ refreshToken: string }>).value;
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: winner.refreshToken }),
    ).resolves.toBeTruthy();
  });

  it('answer a replay of the previous token within the grace window with TOKEN_ROTATED and revoke nothing', async () => {
    const alice = await createUser(t);
    const next = await anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken });
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken }),
    ).rejects.toMatchObject({
      data: { errorCode: 'TOKEN_ROTATED' },
    });
    expect(await (await clientWithToken(t, next.accessToken)).auth.getCurrentUser.query()).toMatchObject({
      id: alice.user.id,
    });
  });

  it('treat an older token as theft: the whole session is revoked at once and audited', async () => {
    const alice = await createUser(t);
    const second = await anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken });
    const third = await anonymous.auth.refreshToken.mutate({ refreshToken: second.refreshToken });
    // The first token is two rotations old: not an innocent retry.
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken }),
    ).rejects.toMatchObject({
      data: { errorCode: 'UNAUTHORIZED' },
    });
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: third.refreshToken }),
    ).rejects.toMatchObject({
      data: { errorCode: 'UNAUTHORIZED' },
    });
    await expect(
      (await clientWithToken(t, third.accessToken)).auth.getCurrentUser.query(),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect(await auditEvents(alice.user.id)).toContainEqual({
      event: 'refresh_token_reused',
      severity: 'high',
    });
  });

  it('treat any replay as theft when the grace window is off', async () => {
    const strict = await createTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
    try {
      const alice = await createUser(strict);
      const client = await clientWithToken(strict, null);
      await client.auth.refreshToken.mutate({ refreshToken: alice.refreshToken });
      await expect(
        client.auth.refreshToken.mutate({ refreshToken: alice.refreshToken }),
      ).rejects.toMatchObject({
        data: { errorCode: 'UNAUTHORIZED' },
      });
      await expect(alice.client.auth.getCurrentUser.query()).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    } finally {
      await strict.close();
    }
  });
});

describe('sessions', () => {
  it('logout ends only the current session; logoutAll ends every one', async () => {
    const alice = await createUser(t);
    const phone = await anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password });
    const phoneClient = await clientWithToken(t, phone.accessToken);
    await alice.client.auth.logout.mutate();
    await expect(alice.client.auth.getCurrentUser.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    expect((await phoneClient.auth.getSessions.query()).map((session) => session.current)).toEqual([true]);
    await phoneClient.auth.logoutAll.mutate();
    await expect(phoneClient.auth.getCurrentUser.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('lists devices and revokes one, whose access token stops working at once', async () => {
    const alice = await createUser(t);
    const tablet = await anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password });
    const sessions = await alice.client.auth.getSessions.query();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((session) => session.current)?.id).toBe(alice.sessionId);
    await alice.client.auth.revokeSession.mutate({ sessionId: tablet.sessionId });
    await expect(
      (await clientWithToken(t, tablet.accessToken)).auth.getCurrentUser.query(),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: tablet.refreshToken }),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  it('evicts the least recently used session beyond the cap instead of refusing the login', async () => {
    const capped = await createTestApp({ env: { MAX_SESSIONS_PER_USER: '2' } });
    try {
      const alice = await createUser(capped);
      const client = await clientWithToken(capped, null);
      await client.auth.login.mutate({ email: alice.user.email, password: alice.password });
      const third = await client.auth.login.mutate({ email: alice.user.email, password: alice.password });
      const sessions = await (await clientWithToken(capped, third.accessToken)).auth.getSessions.query();
      expect(sessions).toHaveLength(2);
      expect(sessions.map((session) => session.id)).not.toContain(alice.sessionId);
      await expect(alice.client.auth.getCurrentUser.query()).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
    } finally {
      await capped.close();
    }
  });
});

describe('password change', () => {
  it('spends the account password-check budget on every password check of a signed-in caller', async () => {
    const own = await createTestApp({ rateLimits: { policies: { 'password-check': { points: 2 } } } });
    try {
      const bob = await createUser(own);
      const wrong = {
        currentPassword: 'Nope-Nope-1',
        newPassword: 'Brand-New-Pass-7',
        confirmPassword: 'Brand-New-Pass-7',
      };
      await expect(bob.client.auth.changePassword.mutate(wrong)).rejects.toMatchObject({
        data: { code: 'UNAUTHORIZED' },
      });
      await expect(
        bob.client.auth.deleteAccount.mutate({ password: 'Wrong-Pass-1', confirmation: 'DELETE' }),
      ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
      // Budget spent: even the right password is not checked.
      await expect(
        bob.client.auth.changePassword.mutate({ ...wrong, currentPassword: bob.password }),
      ).rejects.toMatchObject({ data: { errorCode: 'RATE_LIMITED' } });
      await expect(
        bob.client.auth.deleteAccount.mutate({ password: bob.password, confirmation: 'DELETE' }),
      ).rejects.toMatchObject({ data: { errorCode: 'RATE_LIMITED' } });
    } finally {
      await own.close();
    }
  });

  it('needs the current password, refuses the last five, and ends the other sessions', async () => {
    const alice = await createUser(t);
    const other = await anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password });
    await expect(
      alice.client.auth.changePassword.mutate({
        currentPassword: 'Nope-Nope-1',
        newPassword: 'Brand-New-Pass-7',
        confirmPassword: 'Brand-New-Pass-7',
      }),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(
      alice.client.auth.changePassword.mutate({
        currentPassword: alice.password,
        newPassword: alice.password,
        confirmPassword: alice.password,
      }),
    ).rejects.toMatchObject({ data: { issues: [{ code: 'PASSWORD_REUSED' }] } });
    await alice.client.auth.changePassword.mutate({
      currentPassword: alice.password,
      newPassword: 'Brand-New-Pass-7',
      confirmPassword: 'Brand-New-Pass-7',
    });
    expect((await alice.client.auth.getCurrentUser.query()).id).toBe(alice.user.id);
    await expect(
      (await clientWithToken(t, other.accessToken)).auth.getCurrentUser.query(),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(
      anonymous.auth.login.mutate({ email: alice.user.email, password: 'Brand-New-Pass-7' }),
    ).resolves.toBeTruthy();
    expect(await auditEvents(alice.user.id)).toContainEqual({
      event: 'password_changed',
      severity: 'medium',
    });
  });
});
