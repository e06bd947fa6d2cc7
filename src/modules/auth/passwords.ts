import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../lib/errors.js';
import { projectRoot } from '../../lib/project-root.js';

/**
 * argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB of memory, 2 iterations,
 * 1 lane. `2` is Algorithm.Argon2id (a const enum that isolated modules cannot import).
 */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password and for a malformed stored hash alike. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A real argon2id hash of a random string, checked when the account does not exist so that an unknown
// email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}`);
  await verifyPassword(await dummyHash, password);
}

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  readFileSync(path.join(projectRoot, 'src', 'modules', 'auth', 'wordlists', 'common-passwords.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean),
);

/** The contract's rule (api-contract §3): 8–128 characters with an upper-case, a lower-case letter and a digit. */
export const PASSWORD_RULE = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{8,128}$/s;

/**
 * The server-side policy on top of the shape rule: not one of the 10,000 most common passwords, and not
 * containing the local part of the account's email. Throws VALIDATION_ERROR naming the problem.
 */
export function assertPasswordPolicy(password: string, email: string): void {
  if (!PASSWORD_RULE.test(password)) {
    throw policyError(
      'PASSWORD_WEAK',
      'Password must be 8-128 characters with an upper-case letter, a lower-case letter and a digit',
    );
  }
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) {
    throw policyError('PASSWORD_COMMON', 'This password is too common; choose another');
  }
  const localPart = email.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 3 && lowered.includes(localPart)) {
    throw policyError('PASSWORD_CONTAINS_EMAIL', 'Password must not contain your email address');
  }
}

function policyError(code: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { issues: [{ path: 'password', message, code }] });
}

export const isCommonPassword = (password: string) => COMMON_PASSWORDS.has(password.toLowerCase());
