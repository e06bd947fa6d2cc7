import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import type { Env } from '../../config/env.js';
import type { Db, Tx } from '../../db/client.js';
import type { VerificationCode } from '../../db/schema/index.js';
import { enqueueMail } from '../../integrations/mailer/outbox.js';
import { AppError } from '../../lib/errors.js';
import * as repo from './repo.js';

export type CodePurpose = VerificationCode['purpose'];

/** Codes are keyed with the JWT secret and stamped with the app clock. */
export interface VerificationDeps {
  env: Pick<Env, 'JWT_SECRET'>;
  clock: () => Date;
  db: Db;
}

const CODE_TTL_MS = 15 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;

const keys = new Map<string, Buffer>();
/** HMAC key for code hashes, derived from the JWT secret: six digits hashed without a secret are trivially reversed. */
function codeKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'linguamate', 'verification-codes', 32));
    keys.set(secret, key);
  }
  return key;
}

function hashCode(secret: string, purpose: CodePurpose, email: string, code: string): string {
  return createHmac('sha256', codeKey(secret)).update(`${purpose}:${email}:${code}`).digest('hex');
}

const MAIL_TEXT: Record<CodePurpose, { subject: string; text: (code: string) => string }> = {
  email_verify: {
    subject: 'Your Linguamate verification code',
    text: (code) =>
      `Your Linguamate verification code is ${code}.\n\nIt expires in 15 minutes. If you did not sign up, ignore this email.`,
  },
  password_reset: {
    subject: 'Reset your Linguamate password',
    text: (code) =>
      `Your Linguamate password reset code is ${code}.\n\nIt expires in 15 minutes. If you did not ask to reset your password, ignore this email: your password has not changed.`,
  },
  account_unlock: {
    subject: 'Sign-ins to your Linguamate account were paused',
    text: (code) =>
      `Someone entered a wrong password for your Linguamate account several times, so we paused sign-ins from their device. Other devices, yours included, can still sign in.\n\nIf it was you, enter this code in the app to unlock your account at once: ${code}. It expires in 15 minutes.\n\nIf it was not you, your password is still safe, but consider changing it.`,
  },
};

/**
 * Issues a fresh 6-digit code (15 minutes, 5 attempts, single use), invalidating earlier codes for the
 * same purpose, and queues the mail in the caller's transaction. Only the code's HMAC is stored; the mail's
 * body, which holds the code, is erased once sent (integrations/mailer/outbox-repo.ts).
 */
export async function issueCode(
  deps: Pick<VerificationDeps, 'env' | 'clock'>,
  tx: Tx,
  target: { userId: string; email: string; purpose: CodePurpose },
): Promise<void> {
  const now = deps.clock();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await repo.retireCodes(tx, target.email, target.purpose, now);
  await repo.insertCode(tx, {
    userId: target.userId,
    email: target.email,
    purpose: target.purpose,
    codeHash: hashCode(deps.env.JWT_SECRET, target.purpose, target.email, code),
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  });
  const mail = MAIL_TEXT[target.purpose];
  await enqueueMail(tx, {
    userId: target.userId,
    kind: target.purpose,
    to: target.email,
    subject: mail.subject,
    text: mail.text(code),
  });
}

/**
 * Checks and consumes a code inside the caller's transaction. Wrong codes count against the code's
 * attempts (the count commits even though the caller's change does not happen). Throws BAD_REQUEST
 * "Invalid or expired code" for every failure, so the answer never tells which one it was.
 */
export async function consumeCode<T>(
  deps: VerificationDeps,
  target: { email: string; purpose: CodePurpose; code: string },
  then: (tx: Tx, userId: string | null) => Promise<T>,
): Promise<T> {
  const now = deps.clock();
  const outcome = await deps.db.transaction(
    async (tx): Promise<{ valid: false } | { valid: true; value: T }> => {
      const row = await repo.findLiveCodeForUpdate(tx, { email: target.email, purpose: target.purpose, now });
      if (!row || row.attempts >= MAX_CODE_ATTEMPTS) return { valid: false };
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(
        hashCode(deps.env.JWT_SECRET, target.purpose, target.email, target.code),
        'hex',
      );
      if (!timingSafeEqual(expected, given)) {
        await repo.setAttempts(tx, row.id, row.attempts + 1);
        return { valid: false };
      }
      await repo.markConsumed(tx, row.id, now);
      return { valid: true, value: await then(tx, row.userId) };
    },
  );
  if (!outcome.valid) throw new AppError('BAD_REQUEST', 'Invalid or expired code');
  return outcome.value;
}
