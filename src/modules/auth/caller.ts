import type { Context } from 'hono';
import type { Caller, CallerResolver } from '../../trpc/context.js';
import type { AuthDeps } from './deps.js';
import { isSessionRevoked } from './sessions.js';
import { verifyAccessTokenExpiry } from './tokens.js';

type CallerDeps = Pick<AuthDeps, 'keyRing' | 'kv' | 'db' | 'log'>;

/**
 * Turns `Authorization: Bearer <access token>` into the caller: a valid, unexpired token of a session that
 * has not been revoked. Anything else leaves the request anonymous (api-contract §2.1); protected
 * procedures then answer 401.
 */
export function createCallerResolver(deps: CallerDeps): CallerResolver {
  return async function resolveCaller(c: Context): Promise<Caller | null> {
    const header = c.req.header('authorization');
    if (!header || !/^bearer /i.test(header)) return null;
    return (await resolveAccessToken(deps, header.slice(7).trim()))?.caller ?? null;
  };
}

/**
 * The caller behind an access token, however it travelled (a bearer header, a WebSocket's connection
 * params), and when the token expires; null for an invalid or expired token or a revoked session.
 */
export async function resolveAccessToken(
  deps: CallerDeps,
  token: string,
): Promise<{ caller: Caller; expiresAt: Date } | null> {
  if (token.length > 4096) return null;
  const verified = await verifyAccessTokenExpiry(deps.keyRing, token);
  if (!verified) return null;
  if (await isSessionRevoked(deps, verified.claims.sessionId)) return null;
  return { caller: verified.claims, expiresAt: verified.expiresAt };
}
