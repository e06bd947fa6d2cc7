import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Env } from '../../config/env.js';
import type { Metrics } from '../../lib/metrics.js';
import { errorResponse } from '../errors.js';
import { respond } from '../respond.js';

/** Prometheus scrape endpoint. With METRICS_TOKEN set, scrapers must send it as a bearer token. */
export function createMetricsRoutes(deps: {
  env: Pick<Env, 'METRICS_TOKEN'>;
  metrics: Pick<Metrics, 'registry'>;
}) {
  const expected = deps.env.METRICS_TOKEN ? Buffer.from(`Bearer ${deps.env.METRICS_TOKEN}`) : null;
  return new Hono().get('/', async (c) => {
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return errorResponse('UNAUTHORIZED', 'Metrics token required');
      }
    }
    const body = await deps.metrics.registry.metrics();
    return respond(body, 200, deps.metrics.registry.contentType);
  });
}
