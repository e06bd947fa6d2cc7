import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { ClientIpResolver } from '../../lib/client-ip.js';
import { toFieldIssues } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { applyRevenuecatEvent } from '../../modules/users/revenuecat.js';
import { revenuecatWebhookBody } from '../../modules/users/schema.js';
import { errorResponse } from '../errors.js';
import { createBodyLimit } from '../middleware/body-limit.js';
import { respondJson } from '../respond.js';

/** RevenueCat deliveries are a few kilobytes; anything far larger is not from them. */
const MAX_BODY_BYTES = 64 * 1024;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `POST /api/webhooks/revenuecat`: RevenueCat's server-to-server purchase events, or null when no secret
 * is configured: then the route does not exist (404), rather than telling anyone who asks that it could.
 * RevenueCat sends the configured value as `Authorization`; we expect `Bearer <REVENUECAT_WEBHOOK_SECRET>`,
 * compared as SHA-256 digests in constant time so neither content nor length leaks, before anything else
 * (the body is not even read for a wrong one: 401). 413 past 64 KiB, 400 for a body that is not a
 * RevenueCat event; 200 otherwise, including for events we ignore, because RevenueCat retries every other
 * answer.
 */
export function createRevenuecatRoutes(
  deps: { db: Db; log: Logger; clock: () => Date; env: Pick<Env, 'REVENUECAT_WEBHOOK_SECRET'> },
  resolveClientIp: ClientIpResolver,
) {
  const secret = deps.env.REVENUECAT_WEBHOOK_SECRET;
  if (!secret) return null;
  const expected = digest(`Bearer ${secret}`);

  return new Hono<{ Variables: { clientIp?: string } }>().post(
    '/',
    function revenuecatSignature(c, next) {
      if (!timingSafeEqual(digest(c.req.header('authorization') ?? ''), expected)) {
        return Promise.resolve(errorResponse('UNAUTHORIZED', 'Invalid webhook authorization'));
      }
      return next();
    },
    createBodyLimit(MAX_BODY_BYTES, 'Webhook body too large'),
    async function revenuecatWebhook(c) {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return errorResponse('BAD_REQUEST', 'Body must be JSON');
      }
      const parsed = revenuecatWebhookBody.safeParse(json);
      if (!parsed.success) {
        return errorResponse('VALIDATION_ERROR', 'Not a RevenueCat webhook event', {
          issues: toFieldIssues(parsed.error.issues),
        });
      }

      const outcome = await applyRevenuecatEvent(deps, parsed.data.event, {
        ip: resolveClientIp(c),
        userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
      });
      deps.log.info(
        { evt: 'revenuecat_event', eventId: parsed.data.event.id, type: parsed.data.event.type, outcome },
        'revenuecat webhook',
      );
      return respondJson(outcome === 'duplicate' ? { received: true, duplicate: true } : { received: true });
    },
  );
}
