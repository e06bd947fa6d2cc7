import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, TEST_PASSWORD } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/smtp-server.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { RATE_LIMIT_POLICIES } from '../../lib/rate-limit/policies.js';
import { accountKey, slowdownMs } from './lockout.js';

/**
 * Sign-in lockout through the real HTTP stack, with the client address taken from X-Forwarded-For behind
 * a trusted proxy (the test client on loopback plays the proxy), and unlock codes through a real SMTP
 * server. Budgets are the shipped defaults unless a test says otherwise.
 */

const DOMAIN = 'lockout-test.example';
const ATTACKER = '203.0.113.66';
const OWNER = '198.51.100.7';

let smtp: TestSmtpServer;
let t: TestApp;
let base: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, TRUSTED_PROXIES: 'loopback' }, mailDomain: DOMAIN });
  base = await t.listen();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const owner = () => createUser(t, { email: `${unique('owner')}@${DOMAIN}` });

/** One sign-in from `ip`; its answer's code (`OK` or the error code) and the raw response. */
async function signIn(email: string, password: string, ip: string, target = base) {
  const answer = await trpcCall(
    target,
    'auth.login',
    { email, password },
    { headers: { 'x-forwarded-for': ip } },
  );
  return { code: answer.codes[0]!, response: answer.response };
}

async function failFrom(ip: string, email: string, times: number): Promise<string[]> {
  const codes: string[] = [];
  for (let attempt = 0; attempt < times; attempt++)
    codes.push((await signIn(email, 'Wrong-Pass-1', ip)).code);
  return codes;
}

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

describe('sign-in lockout per account and address', () => {
  it('locks the attacking address out of the account, not the owner at another address', async () => {
    const alice = await owner();
    expect(await failFrom(ATTACKER, alice.user.email, 5)).toEqual([
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'ACCOUNT_LOCKED',
    ]);
    // The attacker's address stays locked, even with the right password, and is told for how long.
    const locked = await signIn(alice.user.email, TEST_PASSWORD, ATTACKER);
    expect(locked.code).toBe('ACCOUNT_LOCKED');
    expect(locked.response.status).toBe(429);
    expect(Number(locked.response.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    // The owner, elsewhere, signs in.
    expect((await signIn(alice.user.email, TEST_PASSWORD, OWNER)).code).toBe('OK');
    expect((await signIn(alice.user.email, TEST_PASSWORD, ATTACKER)).code).toBe('ACCOUNT_LOCKED');
  });

  it('mails the owner an unlock code that lifts every lock of the account, once', async () => {
    const bob = await owner();
    const second = '203.0.113.67';
    await failFrom(ATTACKER, bob.user.email, 5);
    await failFrom(second, bob.user.email, 5);
    const mail = await smtp.waitForMessage(bob.user.email);
    expect(mail.subject).toBe('Sign-ins to your Linguamate account were paused');
    const code = codeIn(mail.text);

    const unlock = (value: string) =>
      trpcCall(base, 'auth.unlockAccount', { email: bob.user.email, code: value }).then((a) => a.codes[0]);
    expect(await unlock(code === '000000' ? '111111' : '000000')).toBe('BAD_REQUEST');
    expect(await unlock(code)).toBe('OK');
    expect(await unlock(code)).toBe('BAD_REQUEST');
    expect((await signIn(bob.user.email, TEST_PASSWORD, ATTACKER)).code).toBe('OK');
    expect((await signIn(bob.user.email, TEST_PASSWORD, second)).code).toBe('OK');

    const events = await t.deps.db.query.auditEvents.findMany({
      where: (event, { eq }) => eq(event.actorUserId, bob.user.id),
    });
    const names = events.map((event) => event.event);
    expect(names.filter((name) => name === 'account_locked')).toHaveLength(2);
    expect(names).toContain('account_unlocked');
    // One lock mail per account at a time, however many addresses got locked.
    const unlockMails = await t.deps.db.query.mailOutbox.findMany({
      where: (message, { and, eq }) =>
        and(eq(message.userId, bob.user.id), eq(message.kind, 'account_unlock')),
    });
    expect(unlockMails).toHaveLength(1);
  });

  it('locks an unknown email from an address the same way, and mails nobody', async () => {
    const ghost = `${unique('ghost')}@${DOMAIN}`;
    expect(await failFrom(ATTACKER, ghost, 5)).toEqual([
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'ACCOUNT_LOCKED',
    ]);
    expect((await signIn(ghost, 'Wrong-Pass-1', ATTACKER)).code).toBe('ACCOUNT_LOCKED');
    const mails = await t.deps.db.query.mailOutbox.findMany({ where: (m, { eq }) => eq(m.toAddress, ghost) });
    expect(mails).toEqual([]);
  });

  it('lifts the locks when the owner resets the password', async () => {
    const carol = await owner();
    await failFrom(ATTACKER, carol.user.email, 5);
    await trpcCall(base, 'auth.requestPasswordReset', { email: carol.user.email });
    // Two messages: the unlock code of the lock, then the reset code.
    await smtp.waitForMessage(carol.user.email, { nth: 2 });
    const reset = smtp.messagesTo(carol.user.email).find((mail) => mail.subject.startsWith('Reset'))!;
    const password = 'Fresh-Start-2049';
    const answer = await trpcCall(base, 'auth.resetPassword', {
      email: carol.user.email,
      code: codeIn(reset.text),
      password,
    });
    expect(answer.codes).toEqual(['OK']);
    expect((await signIn(carol.user.email, password, ATTACKER)).code).toBe('OK');
  });
});

describe('credential stuffing from one address', () => {
  it('caps the failures of one address across 100 accounts, whatever the accounts', async () => {
    const stuffer = '203.0.113.99';
    const cap = RATE_LIMIT_POLICIES.find((policy) => policy.name === 'login-failures-ip')!.points;
    const dave = await owner();
    const accounts = [dave.user.email, ...Array.from({ length: 99 }, () => `${unique('victim')}@${DOMAIN}`)];
    const codes: string[] = [];
    for (const email of accounts) codes.push((await signIn(email, 'Password-Guess-1', stuffer)).code);
    expect(codes.slice(0, cap).every((code) => code === 'UNAUTHORIZED')).toBe(true);
    expect(codes.slice(cap)).toEqual(Array(100 - cap).fill('RATE_LIMITED'));
    const refused = await signIn(dave.user.email, TEST_PASSWORD, stuffer);
    expect(refused.code).toBe('RATE_LIMITED');
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other addresses, and the accounts' owners there, are untouched.
    expect((await signIn(dave.user.email, TEST_PASSWORD, OWNER)).code).toBe('OK');
  });
});

describe('an account failing from everywhere', () => {
  it('slows its attempts down but never locks its owner out', async () => {
    const slow = await createTestApp({
      env: { TRUSTED_PROXIES: 'loopback' },
      rateLimits: { policies: { 'login-failures-account': { points: 3 } } },
    });
    try {
      const url = await slow.listen();
      const erin = await createUser(slow);
      // One failure from each of six addresses: no pair comes near its lock, the account passes its budget.
      for (let host = 1; host <= 6; host++) {
        expect((await signIn(erin.user.email, 'Wrong-Pass-1', `192.0.2.${host}`, url)).code).toBe(
          'UNAUTHORIZED',
        );
      }
      const entries = await slow.deps.rateLimits.peek('login-failures-account', accountKey(erin.user.email));
      expect(entries?.used).toBe(6);
      expect((await signIn(erin.user.email, TEST_PASSWORD, '192.0.2.200', url)).code).toBe('OK');
    } finally {
      await slow.close();
    }
  });

  it('waits longer with each failure past the budget, up to a ceiling', () => {
    expect([0, 19, 20, 21, 22, 30, 100].map((failures) => slowdownMs(failures, 20))).toEqual([
      0, 0, 250, 500, 1_000, 10_000, 10_000,
    ]);
  });
});
