import { Hono } from 'hono';
import type { Env } from '../../config/env.js';
import { releaseOf } from '../../lib/app-version.js';
import { respondJson } from '../respond.js';

/**
 * `/api` and `/api/info`, with the bodies the app and its CI checks expect (api-contract §4). `/api` also
 * names the running release (RELEASE): a blue-green switch's smoke probe checks it is the new one.
 */
export function createStatusRoutes(deps: { version: string; env: Pick<Env, 'NODE_ENV' | 'RELEASE'> }) {
  const release = releaseOf(deps.env);
  return new Hono()
    .get('/', () =>
      respondJson({
        status: 'ok',
        message: 'Language Learning API is running',
        timestamp: new Date().toISOString(),
        version: deps.version,
        release,
      }),
    )
    .get('/info', () =>
      respondJson({
        name: 'Language Learning Backend',
        version: deps.version,
        environment: deps.env.NODE_ENV,
        endpoints: {
          trpc: '/api/trpc',
          health: '/api/health',
          live: '/api/health/live',
          ready: '/api/health/ready',
          info: '/api/info',
          ingestLogs: '/api/ingest/logs',
        },
      }),
    );
}
