import { createHash } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import type { AuthDeps } from './deps.js';

/**
 * Sign-in throttling that an attacker cannot turn against the account's owner (OWASP Authentication
 * Cheat Sheet, "Account Lockout"; ASVS 2.2.1). Three counters, all in the shared store:
 *
 * - **account + address**: LOGIN_LOCKOUT_THRESHOLD failures from one address lock that address out of
 *   that account for LOGIN_LOCKOUT_MINUTES, twice as long for each further lock within a day (at most
 *   24 h). The owner, at another address, is not affected.
 * - **account**: failures from every address together. Past the `login-failures-account` budget each
 *   further attempt waits a growing delay before its password is checked: guessing slows to a crawl, yet
 *   the owner's right password still gets in.
 * - **address**: failures across all accounts. Spent, the address may not sign in at all until the
 *   window ends: credential stuffing from one address is capped whatever accounts it tries.
 *
 * Unknown emails are counted exactly like accounts (keyed by the address's hash), so the answers never
 * tell whether an account exists. Redeeming the unlock code mailed on a lock, or resetting the password,
 * clears every lock of the account at once by moving it to a new generation of keys.
 */

/** The longest any pair stays locked, however many locks came before. */
const MAX_LOCK_SECONDS = 24 * 60 * 60;
/** The slowdown's first delay, doubled per failure past the account budget, and its ceiling. */
const SLOWDOWN_BASE_MS = 250;
const SLOWDOWN_MAX_MS = 10_000;
/** How long an account's key generation (and its pairs' lock history) is remembered. */
const GENERATION_TTL_MS = 2 * MAX_LOCK_SECONDS * 1000;

export type LockoutDeps = Pick<AuthDeps, 'kv' | 'log' | 'env' | 'rateLimits' | 'clock'>;

/** One sign-in attempt: which account (by its normalised email) from which address. */
export interface Attempt {
  email: string;
  ip: string | null;
}

/** The counter keys of an admitted attempt, for `recordFailure` and `recordSuccess`. */
export interface AdmittedAttempt {
  account: string;
  address: string;
  pair: string;
}

/** What `recordFailure` found: the pair's new lock, if this failure locked it. */
export interface FailureOutcome {
  /** Failures of this pair in its window, this one included. */
  failures: number;
  lockedForSeconds: number | null;
  lockNumber: number;
  /** The address has now spent its failure budget across accounts. */
  addressCapped: boolean;
}

/** The key of an account in the counters: the address's hash, whether or not the account exists. */
export const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
const generationKey = (account: string) => `auth:login-generation:${account}`;
const lockCountKey = (pair: string) => `auth:login-locks:${pair}`;

async function keysOf(deps: LockoutDeps, attempt: Attempt): Promise<AdmittedAttempt> {
  const account = accountKey(attempt.email);
  const address = `ip:${attempt.ip ?? 'unknown'}`;
  // A store fault reads as generation 0: locks still apply, an unlock just cannot be seen meanwhile.
  const generation = (await deps.kv.get(generationKey(account)).catch(() => null)) ?? '0';
  return { account, address, pair: `${account}:${generation}:${address}` };
}

/**
 * Refuses an attempt before any password work when its address has spent its failure budget
 * (RATE_LIMITED) or its pair is locked (ACCOUNT_LOCKED), each with the wait as `Retry-After`; otherwise
 * waits the account's slowdown, if any, and returns the attempt's counter keys.
 */
export async function admitAttempt(deps: LockoutDeps, attempt: Attempt): Promise<AdmittedAttempt> {
  const { rateLimits } = deps;
  const keys = await keysOf(deps, attempt);
  const [address, pair, account] = await Promise.all([
    rateLimits.peek('login-failures-ip', keys.address),
    rateLimits.peek('login-failures-pair', keys.pair),
    rateLimits.peek('login-failures-account', keys.account),
  ]);
  if (address?.exhausted) {
    throw new AppError(
      'RATE_LIMITED',
      `Too many failed sign-ins from this network. Try again in ${minutes(address.resetSeconds)} minute(s).`,
      { retryAfterSeconds: address.resetSeconds },
    );
  }
  if (pair?.exhausted) throw lockedError(pair.resetSeconds);
  const delayMs = slowdownMs(account?.used ?? 0, rateLimits.policy('login-failures-account').points);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return keys;
}

/** The delay before an attempt on an account that has failed `failures` times in its window. */
export function slowdownMs(failures: number, budget: number): number {
  if (failures < budget) return 0;
  return Math.min(SLOWDOWN_BASE_MS * 2 ** (failures - budget), SLOWDOWN_MAX_MS);
}

/**
 * Counts a failed attempt against its pair, its account and its address. The failure that spends the
 * pair's budget locks the pair: LOGIN_LOCKOUT_MINUTES for the first lock in a day, doubling after.
 */
export async function recordFailure(deps: LockoutDeps, keys: AdmittedAttempt): Promise<FailureOutcome> {
  const { rateLimits } = deps;
  const [pair, address] = await Promise.all([
    rateLimits.consume('login-failures-pair', keys.pair),
    rateLimits.consume('login-failures-ip', keys.address),
    rateLimits.consume('login-failures-account', keys.account),
  ]);
  const addressCapped = address.remaining === 0;
  const failures = pair.limit - pair.remaining;
  if (pair.remaining > 0) return { failures, lockedForSeconds: null, lockNumber: 0, addressCapped };

  const lockNumber = await deps.kv.increment(lockCountKey(keys.pair), 1, GENERATION_TTL_MS).catch(() => 1);
  const lockedForSeconds = Math.min(
    deps.env.LOGIN_LOCKOUT_MINUTES * 60 * 2 ** (lockNumber - 1),
    MAX_LOCK_SECONDS,
  );
  await rateLimits.block('login-failures-pair', keys.pair, lockedForSeconds);
  return { failures, lockedForSeconds, lockNumber, addressCapped };
}

/** A successful sign-in: the pair's failures and lock history are forgiven (the account's are not). */
export async function recordSuccess(deps: LockoutDeps, keys: AdmittedAttempt): Promise<void> {
  await Promise.all([
    deps.rateLimits.reset('login-failures-pair', keys.pair),
    deps.kv.delete(lockCountKey(keys.pair)).catch(() => undefined),
  ]);
}

/**
 * Lifts every lock of the account, from every address, and its slowdown: the owner proved control of the
 * mailbox (unlock code, password reset). The account moves to a new generation of pair keys; the old
 * ones expire on their own.
 */
export async function clearLocks(deps: LockoutDeps, email: string): Promise<void> {
  const account = accountKey(email);
  await Promise.all([
    // Without the store the locks cannot be lifted early; they still end when they expire, and the
    // caller's proof (code, reset) has been spent, so this must not fail the call.
    deps.kv.increment(generationKey(account), 1, GENERATION_TTL_MS).catch((error: unknown) => {
      deps.log.warn({ err: error }, 'sign-in locks not lifted: the shared store did not answer');
    }),
    deps.rateLimits.reset('login-failures-account', account),
  ]);
}

/** ACCOUNT_LOCKED with the lock's remaining time; the same words whether or not the account exists. */
export function lockedError(seconds: number): AppError {
  return new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed sign-in attempts from this device. Try again in ${minutes(seconds)} minute(s), ` +
      'or unlock the account with the code we email to its owner.',
    { retryAfterSeconds: seconds },
  );
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
