import type { Context } from 'hono';
import type { Caller, CallerResolver } from '../../trpc/context.js';
import type { AuthDeps } from './deps.js';
import { isSessionRevoked } from './sessions.js';
import { verifyAccessToken } from './tokens.js';

/**
 * Turns `Authorization: Bearer <access token>` into the caller: a valid, unexpired token of a session that
 * has not been revoked. Anything else leaves the request anonymous (api-contract §2.1); protected
 * procedures then answer 401.
 */
export function createCallerResolver(deps: Pick<AuthDeps, 'keyRing' | 'kv' | 'db' | 'log'>): CallerResolver {
  return async function resolveCaller(c: Context): Promise<Caller | null> {
    const header = c.req.header('authorization');
    if (!header || header.length > 4096 || !/^bearer /i.test(header)) return null;
    const claims = await verifyAccessToken(deps.keyRing, header.slice(7).trim());
    if (!claims) return null;
    if (await isSessionRevoked(deps, claims.sessionId)) return null;
    return claims;
  };
}
