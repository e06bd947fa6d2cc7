import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithToken, createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, type TrpcClient, unique } from '../../../test/harness.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/smtp-server.js';

let smtp: TestSmtpServer;
let t: TestApp;
let anonymous: TrpcClient;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ env: { SMTP_URL: smtp.url }, mailDomain: DOMAIN });
  anonymous = await clientWithToken(t, null);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';
const DOMAIN = 'codes-test.example';
const newEmail = () => `${unique('mail')}@${DOMAIN}`;

describe('email verification through a real SMTP server', () => {
  it('mails a code at signup that verifies the address once', async () => {
    const email = newEmail();
    const signup = await anonymous.auth.signup.mutate({ name: 'Mail User', email, password: 'Secret123' });
    const mail = await smtp.waitForMessage(email);
    expect(mail.subject).toBe('Your Linguamate verification code');
    const code = codeIn(mail.text);
    expect(code).toMatch(/^\d{6}$/);

    await anonymous.auth.verifyEmail.mutate({ email, code });
    const me = await (await clientWithToken(t, signup.accessToken)).auth.getCurrentUser.query();
    expect(me.emailVerified).toBe(true);
    await expect(anonymous.auth.verifyEmail.mutate({ email, code })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
  });

  it('accepts the code as `otp` too, and stores only its hash', async () => {
    const email = newEmail();
    await anonymous.auth.signup.mutate({ name: 'Otp User', email, password: 'Secret123' });
    const code = codeIn((await smtp.waitForMessage(email)).text);
    const stored = await t.deps.db.execute(
      sql`select code_hash from verification_codes where email = ${email}`,
    );
    expect(JSON.stringify(stored)).not.toContain(code);
    // The mail that carried it keeps no copy once delivered.
    await expect
      .poll(async () =>
        JSON.stringify(
          await t.deps.db.execute(sql`select body_text from mail_outbox where to_address = ${email}`),
        ),
      )
      .not.toContain(code);
    await expect(anonymous.auth.verifyEmail.mutate({ email, otp: code })).resolves.toEqual({ success: true });
  });

  it('burns a code after 5 wrong attempts, even for the right code afterwards', async () => {
    const email = newEmail();
    await anonymous.auth.signup.mutate({ name: 'Guesser', email, password: 'Secret123' });
    const code = codeIn((await smtp.waitForMessage(email)).text);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(anonymous.auth.verifyEmail.mutate({ email, code: wrong })).rejects.toMatchObject({
        data: { code: 'BAD_REQUEST' },
      });
    }
    await expect(anonymous.auth.verifyEmail.mutate({ email, code })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
  });

  it('refuses an expired code', async () => {
    const email = newEmail();
    await anonymous.auth.signup.mutate({ name: 'Late User', email, password: 'Secret123' });
    const code = codeIn((await smtp.waitForMessage(email)).text);
    await t.deps.db.execute(
      sql`update verification_codes set expires_at = now() - interval '1 second' where email = ${email}`,
    );
    await expect(anonymous.auth.verifyEmail.mutate({ email, code })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
  });
});

describe('password reset through a real SMTP server', () => {
  it('answers the same for unknown accounts and sends nothing', async () => {
    const email = newEmail();
    await expect(anonymous.auth.requestPasswordReset.mutate({ email })).resolves.toEqual({ success: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messagesTo(email)).toEqual([]);
    // Nothing queued either, so no later delivery can surprise the check above.
    expect(
      await t.deps.db.execute(sql`select id from mail_outbox where to_address = ${email}`),
    ).toMatchObject({
      rows: [],
    });
  });

  it('resets with the mailed code and ends every session', async () => {
    const alice = await createUser(t, { email: newEmail() });
    await anonymous.auth.requestPasswordReset.mutate({ email: alice.user.email });
    const mail = await smtp.waitForMessage(alice.user.email);
    expect(mail.subject).toBe('Reset your Linguamate password');

    await anonymous.auth.resetPassword.mutate({
      email: alice.user.email,
      code: codeIn(mail.text),
      password: 'Fresh-Start-2026',
    });
    await expect(alice.client.auth.getCurrentUser.query()).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(
      anonymous.auth.refreshToken.mutate({ refreshToken: alice.refreshToken }),
    ).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(
      anonymous.auth.login.mutate({ email: alice.user.email, password: alice.password }),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const login = await anonymous.auth.login.mutate({
      email: alice.user.email,
      password: 'Fresh-Start-2026',
    });
    expect(login.user.id).toBe(alice.user.id);
  });

  it('refuses a reset to one of the last five passwords', async () => {
    const alice = await createUser(t, { email: newEmail() });
    await anonymous.auth.requestPasswordReset.mutate({ email: alice.user.email });
    const code = codeIn((await smtp.waitForMessage(alice.user.email)).text);
    await expect(
      anonymous.auth.resetPassword.mutate({ email: alice.user.email, code, password: alice.password }),
    ).rejects.toMatchObject({ data: { issues: [{ code: 'PASSWORD_REUSED' }] } });
  });
});

describe('email change', () => {
  const signsIn = (email: string, password: string) =>
    anonymous.auth.login.mutate({ email, password }).then(
      () => true,
      () => false,
    );

  it('keeps the old address until a code confirms the new one, then switches and tells the old one', async () => {
    const oldEmail = newEmail();
    const alice = await createUser(t, { emailVerified: true, email: oldEmail });
    const email = newEmail();
    const updated = await alice.client.auth.updateProfile.mutate({ email, displayName: 'Alice B' });
    expect(updated).toMatchObject({
      email: oldEmail,
      pendingEmail: email,
      emailVerified: true,
      displayName: 'Alice B',
    });
    expect(await signsIn(oldEmail, alice.password)).toBe(true);
    expect(await signsIn(email, alice.password)).toBe(false);

    const code = codeIn((await smtp.waitForMessage(email)).text);
    await anonymous.auth.verifyEmail.mutate({ email, code });
    expect(await alice.client.auth.getCurrentUser.query()).toMatchObject({
      email,
      pendingEmail: null,
      emailVerified: true,
    });
    const notice = await smtp.waitForMessage(oldEmail);
    expect(notice.subject).toBe('Your Linguamate email address was changed');
    expect(await signsIn(email, alice.password)).toBe(true);
    expect(await signsIn(oldEmail, alice.password)).toBe(false);

    const bob = await createUser(t);
    await expect(bob.client.auth.updateProfile.mutate({ email })).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
    });
  });

  it('takes a new address through user.update the same way', async () => {
    const oldEmail = newEmail();
    const carol = await createUser(t, { email: oldEmail });
    const email = newEmail();
    expect(await carol.client.user.update.mutate({ email })).toMatchObject({
      email: oldEmail,
      pendingEmail: email,
    });
    const code = codeIn((await smtp.waitForMessage(email)).text);
    await anonymous.auth.verifyEmail.mutate({ email, code });
    expect((await carol.client.user.get.query()).email).toBe(email);
  });

  it('answers CONFLICT and changes nothing when another account took the address meanwhile', async () => {
    const oldEmail = newEmail();
    const dave = await createUser(t, { email: oldEmail });
    const email = newEmail();
    await dave.client.user.update.mutate({ email });
    const code = codeIn((await smtp.waitForMessage(email)).text);
    await createUser(t, { email });
    await expect(anonymous.auth.verifyEmail.mutate({ email, code })).rejects.toMatchObject({
      data: { code: 'CONFLICT', errorCode: 'CONFLICT' },
    });
    expect(await dave.client.user.get.query()).toMatchObject({ email: oldEmail, pendingEmail: email });
  });
});
