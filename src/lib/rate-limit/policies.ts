/**
 * Every rate limit the API applies, in one table. A procedure names the policy its calls spend in its
 * `.meta({ rateLimit })` (trpc/init.ts); a plain route names it where it mounts the middleware.
 *
 * `key` says whose budget a call spends: `user-or-ip` the signed-in user's (else the client IP's), `ip` the
 * client IP's whoever is signed in, `account` the target account's (the normalised email of the input),
 * whatever IP the attempts come from, `account-ip` one account from one address. `account` and
 * `account-ip` policies are spent by the services that know the account (`enforceAccountLimit`, the
 * sign-in lockout); the others by the tRPC middleware and the plain-route middleware.
 *
 * Budgets are generous: the app's normal use, many users behind one carrier NAT included, never meets them.
 */
export const RATE_LIMIT_POLICIES = [
  { name: 'default', points: 600, durationSeconds: 60, key: 'user-or-ip' },
  /** Every sign-in attempt from one address. */
  { name: 'login-ip', points: 100, durationSeconds: 15 * 60, key: 'ip' },
  /** Failed sign-ins from one address across all accounts: caps credential stuffing (auth/lockout.ts). */
  { name: 'login-failures-ip', points: 50, durationSeconds: 60 * 60, key: 'ip' },
  /** Consecutive failed sign-ins to one account from one address; spent, the pair locks. From the env. */
  { name: 'login-failures-pair', points: 5, durationSeconds: 15 * 60, key: 'account-ip' },
  /** Failed sign-ins to one account from anywhere; past it attempts slow down, nobody is locked out. */
  { name: 'login-failures-account', points: 20, durationSeconds: 60 * 60, key: 'account' },
  /** Password checks of a signed-in caller (change password, delete account): a stolen token's guesses. */
  { name: 'password-check', points: 10, durationSeconds: 15 * 60, key: 'account' },
  { name: 'signup-ip', points: 30, durationSeconds: 60 * 60, key: 'ip' },
  { name: 'email-code-ip', points: 30, durationSeconds: 15 * 60, key: 'ip' },
  { name: 'email-code-account', points: 10, durationSeconds: 15 * 60, key: 'account' },
  { name: 'ai', points: 60, durationSeconds: 60, key: 'user-or-ip' },
  /** Server-side fetches of outside URLs (tutorData): one point per URL, cached answers included. */
  { name: 'outbound-fetch', points: 30, durationSeconds: 60, key: 'user-or-ip' },
  { name: 'ingest', points: 120, durationSeconds: 60, key: 'user-or-ip' },
  /** Client log batches (`POST /api/ingest/logs`): the app flushes every few seconds at most. */
  { name: 'client-logs', points: 60, durationSeconds: 60, key: 'user-or-ip' },
  /** Speech uploads (`/api/stt/*`): the contract's 60 a minute. */
  { name: 'stt', points: 60, durationSeconds: 60, key: 'user-or-ip' },
  /** The toolkit drop-ins (`/api/toolkit/*`): the contract's 60 a minute… */
  { name: 'toolkit', points: 60, durationSeconds: 60, key: 'user-or-ip' },
  /** …and a quota per day (a 24-hour window from the first call): each call costs a provider money. */
  { name: 'toolkit-daily', points: 500, durationSeconds: 24 * 60 * 60, key: 'user-or-ip' },
  { name: 'admin', points: 300, durationSeconds: 60, key: 'user-or-ip' },
] as const satisfies readonly RateLimitPolicy[];

export type RateLimitKeyKind = 'user-or-ip' | 'ip' | 'account' | 'account-ip';

export interface RateLimitPolicy {
  name: string;
  /** Calls allowed per window. */
  points: number;
  /** Window length; counters expire by themselves at its end. At least 1. */
  durationSeconds: number;
  key: RateLimitKeyKind;
}

export type PolicyName = (typeof RATE_LIMIT_POLICIES)[number]['name'];
