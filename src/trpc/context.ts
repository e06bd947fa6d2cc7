import type { Context as HonoContext } from 'hono';
import type { ClientIpResolver } from '../lib/client-ip.js';
import type { Metrics } from '../lib/metrics.js';
import { planBatchSpending } from '../lib/rate-limit/batch.js';
import { createRateLimitState } from '../lib/rate-limit/decision.js';
import type { PolicyName } from '../lib/rate-limit/policies.js';
import { requestContext } from '../lib/request-context.js';
import type { AnalyticsDeps } from '../modules/analytics/deps.js';
import type { AuthDeps } from '../modules/auth/deps.js';
import type { ChatDeps } from '../modules/chat/service.js';
import type { DialogueDeps } from '../modules/dialogue/service.js';
import type { FlagsDeps } from '../modules/feature-flags/flags.js';
import type { LiveBoardDeps } from '../modules/leaderboard/live.js';
import type { GenerateDeps } from '../modules/lessons/generate.js';
import type { PronunciationDeps } from '../modules/pronunciation/service.js';
import type { SrsDeps } from '../modules/srs/service.js';
import type { TutorDataDeps } from '../modules/tutor-data/service.js';
import type { UsersDeps } from '../modules/users/service.js';
import type { VocabularyDeps } from '../modules/vocabulary/service.js';
import type { UserFeedDeps } from '../realtime/subscribe.js';
import type { DeprecationRegistry } from './deprecations.js';

/** The authenticated caller, filled from the access token by the accounts module. */
export interface Caller {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

/** What procedures need: the union of their modules' dependencies, plus the middlewares' metrics. */
export type ProcedureDeps = AuthDeps &
  UsersDeps &
  GenerateDeps &
  LiveBoardDeps &
  DialogueDeps &
  SrsDeps &
  VocabularyDeps &
  AnalyticsDeps &
  TutorDataDeps &
  ChatDeps &
  PronunciationDeps &
  UserFeedDeps &
  FlagsDeps & { metrics: Metrics; deprecations: DeprecationRegistry };

export interface TrpcContext {
  deps: ProcedureDeps;
  requestId: string;
  caller: Caller | null;
  ip: string | null;
  userAgent: string | null;
}

/** Resolves the caller of a request (the accounts module's resolver reads the bearer access token). */
export type CallerResolver = (c: HonoContext) => Promise<Caller | null>;

/**
 * Builds the tRPC context of a request. `resolveClientIp` decides which proxies' `X-Forwarded-For` to
 * believe. The request's rate limit holder is created here in the request context
 * (lib/request-context.ts): procedures and services record into it, the HTTP layer writes its headers.
 */
export function createContextFactory(
  deps: ProcedureDeps,
  resolveCaller: CallerResolver,
  resolveClientIp: ClientIpResolver,
  policyOf: (procedurePath: string) => PolicyName | null,
) {
  return async function createContext(
    c: HonoContext,
    calls: readonly { path: string }[] = [],
  ): Promise<TrpcContext> {
    const request = requestContext.getStore();
    // The batch's tightest rate limit decision collects here, for the RateLimit-* headers, and its calls
    // spend their points together.
    if (request)
      request.rateLimit = createRateLimitState(planBatchSpending(calls.map((call) => policyOf(call.path))));
    return {
      deps,
      requestId: request?.requestId ?? 'unknown',
      caller: await resolveCaller(c),
      ip: resolveClientIp(c),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
    };
  };
}
