import { Hono } from 'hono';
import type { ClientIpResolver } from '../../lib/client-ip.js';
import type { ClientLogRejection } from '../../lib/metrics.js';
import { subjectKey } from '../../lib/rate-limit/enforce.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import { currentRequestId } from '../../lib/request-context.js';
import { createCallerResolver } from '../../modules/auth/caller.js';
import type { AuthDeps } from '../../modules/auth/deps.js';
import { type ClientLogDeps, ingestClientLogs } from '../../modules/client-logs/service.js';
import { createBodyLimit } from '../middleware/body-limit.js';
import { createRateLimit } from '../middleware/rate-limit.js';
import { respondJson } from '../respond.js';

/** Refusals the middlewares answer before the service sees the batch, by status. */
const REFUSED_BEFORE_SERVICE: ReadonlyMap<number, ClientLogRejection> = new Map([
  [413, 'too_large'],
  [429, 'rate_limited'],
]);

type Variables = { clientIp?: string; userId: string | null };

/**
 * `POST /api/ingest/logs`: the app's log batches (api-contract §4). The caller is whoever a valid access
 * token names (anonymous otherwise: the app also logs before sign-in); the batch spends one point of the
 * `client-logs` rate limit (429), then the body is held to BODY_LIMIT_BYTES (413) while it is read, then
 * the service validates, checks the signature, stores and re-emits it (modules/client-logs/service.ts).
 * Answers `{success: true, count}`.
 */
export function createClientLogRoutes(
  deps: ClientLogDeps &
    Pick<AuthDeps, 'keyRing'> & {
      rateLimits: RateLimits;
      env: ClientLogDeps['env'] & { BODY_LIMIT_BYTES: number };
    },
  resolveClientIp: ClientIpResolver,
) {
  const resolveCaller = createCallerResolver(deps);
  return new Hono<{ Variables: Variables }>().post(
    '/',
    async function countRefusedBatches(c, next) {
      await next();
      const reason = REFUSED_BEFORE_SERVICE.get(c.res.status);
      if (reason) deps.metrics.clientLogBatchesRejected.inc({ reason });
    },
    async function identifyLogSender(c, next) {
      c.set('userId', (await resolveCaller(c))?.userId ?? null);
      await next();
    },
    createRateLimit({
      limits: deps.rateLimits,
      policy: 'client-logs',
      resolveKey: (c) => subjectKey('user-or-ip', { userId: c.get('userId'), ip: resolveClientIp(c) }),
    }),
    createBodyLimit(deps.env.BODY_LIMIT_BYTES, `Log batch exceeds ${deps.env.BODY_LIMIT_BYTES} bytes`),
    async function ingestLogs(c) {
      const { count } = await ingestClientLogs(
        deps,
        { requestId: currentRequestId() ?? 'unknown', userId: c.get('userId') },
        await c.req.text(),
      );
      return respondJson({ success: true, count });
    },
  );
}
