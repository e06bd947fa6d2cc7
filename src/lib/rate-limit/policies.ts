/**
 * Every rate limit the API applies, in one table, and the one map from procedure paths to policies.
 *
 * `key` says whose budget a call spends: `user-or-ip` the signed-in user's (else the client IP's), `ip` the
 * client IP's whoever is signed in, `account` the target account's (the normalised email of the input),
 * whatever IP the attempts come from. `account` policies are spent by the services that parse the email
 * (`enforceAccountLimit`); the others by the tRPC middleware and the plain-route middleware.
 *
 * Budgets are generous: the app's normal use, many users behind one carrier NAT included, never meets them.
 */
export const RATE_LIMIT_POLICIES = [
  { name: 'default', points: 600, durationSeconds: 60, key: 'user-or-ip' },
  { name: 'login-ip', points: 100, durationSeconds: 15 * 60, key: 'ip' },
  { name: 'login-account', points: 10, durationSeconds: 15 * 60, key: 'account' },
  { name: 'signup-ip', points: 30, durationSeconds: 60 * 60, key: 'ip' },
  { name: 'email-code-ip', points: 30, durationSeconds: 15 * 60, key: 'ip' },
  { name: 'email-code-account', points: 10, durationSeconds: 15 * 60, key: 'account' },
  { name: 'ai', points: 60, durationSeconds: 60, key: 'user-or-ip' },
  { name: 'ingest', points: 120, durationSeconds: 60, key: 'user-or-ip' },
  { name: 'admin', points: 300, durationSeconds: 60, key: 'user-or-ip' },
] as const satisfies readonly RateLimitPolicy[];

export type RateLimitKeyKind = 'user-or-ip' | 'ip' | 'account';

export interface RateLimitPolicy {
  name: string;
  /** Calls allowed per window. */
  points: number;
  /** Window length; counters expire by themselves at its end. At least 1. */
  durationSeconds: number;
  key: RateLimitKeyKind;
}

export type PolicyName = (typeof RATE_LIMIT_POLICIES)[number]['name'];

/**
 * Procedure path (exact) or namespace (`name.*`) to the policy its calls spend; anything else spends
 * `default`. Only one policy per call: the account policies ride on top, spent inside the services.
 */
const PROCEDURE_POLICIES = new Map<string, PolicyName>(
  Object.entries({
    'auth.login': 'login-ip',
    'auth.signin': 'login-ip',
    'auth.signup': 'signup-ip',
    'auth.requestPasswordReset': 'email-code-ip',
    'auth.resetPassword': 'email-code-ip',
    'auth.verifyEmail': 'email-code-ip',
    'chat.*': 'ai',
    'lessons.generate': 'ai',
    'learn.*': 'ai',
    'dialogue.*': 'ai',
    'analytics.*': 'ingest',
    'admin.*': 'admin',
  } satisfies Record<string, PolicyName>),
);

/** The policy a procedure's calls spend: the exact path first, then the nearest enclosing namespace. */
export function policyForProcedure(path: string): PolicyName {
  const exact = PROCEDURE_POLICIES.get(path);
  if (exact) return exact;
  for (let end = path.lastIndexOf('.'); end > 0; end = path.lastIndexOf('.', end - 1)) {
    const namespace = PROCEDURE_POLICIES.get(`${path.slice(0, end)}.*`);
    if (namespace) return namespace;
  }
  return 'default';
}
