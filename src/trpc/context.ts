import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context as HonoContext } from 'hono';
import type { Deps } from '../deps.js';

/** The authenticated caller, filled from the access token by the accounts module. */
export interface Caller {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

export interface TrpcContext {
  deps: Deps;
  requestId: string;
  caller: Caller | null;
  ip: string | null;
  userAgent: string | null;
}

/** Resolves the caller from the request. Anonymous until the accounts module verifies tokens here. */
export type CallerResolver = (c: HonoContext) => Promise<Caller | null>;

export function createContextFactory(deps: Deps, resolveCaller: CallerResolver) {
  return async function createContext(c: HonoContext): Promise<TrpcContext> {
    return {
      deps,
      requestId: c.get('requestId') as string,
      caller: await resolveCaller(c),
      ip: clientIp(c),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
    };
  };
}

/** The peer address of the connection (proxy headers are not trusted here). Null without a socket. */
function clientIp(c: HonoContext): string | null {
  const cached = c.get('clientIp') as string | undefined;
  if (cached !== undefined) return cached;
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
