import type { Context as HonoContext } from 'hono';
import type { Deps } from '../deps.js';
import { type ClientIpResolver, createClientIpResolver } from '../lib/client-ip.js';
import { createRateLimitState, type RateLimitState } from '../lib/rate-limit/state.js';
import { requestContext } from '../lib/request-context.js';

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
  /** This request's tightest rate limit decision, filled by the procedures of the batch as they run. */
  rateLimit: RateLimitState;
}

/** Resolves the caller from the request. Anonymous until the accounts module verifies tokens here. */
export type CallerResolver = (c: HonoContext) => Promise<Caller | null>;

const peerOnly = createClientIpResolver([]);

/**
 * Builds the tRPC context of a request. `resolveClientIp` decides which proxies' `X-Forwarded-For` to
 * believe; by default none (the socket peer is the client). The rate limit holder is also kept in the
 * request's context (lib/request-context.ts), where the HTTP layer reads it for the `RateLimit-*` headers.
 */
export function createContextFactory(
  deps: Deps,
  resolveCaller: CallerResolver,
  resolveClientIp: ClientIpResolver = peerOnly,
) {
  return async function createContext(c: HonoContext): Promise<TrpcContext> {
    const rateLimit = createRateLimitState();
    const request = requestContext.getStore();
    if (request) request.rateLimit = rateLimit;
    return {
      deps,
      requestId: request?.requestId ?? 'unknown',
      caller: await resolveCaller(c),
      ip: resolveClientIp(c),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
      rateLimit,
    };
  };
}
