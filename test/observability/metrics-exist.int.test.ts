import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/service.js';
import { CapturedLogs, testEnv, unique } from '../harness.js';
import { trpcCall } from '../trpc-call.js';
import { dashboardQueries, ruleQueries } from './ops-queries.js';
import { declaredTypes, isExposed, metricNamesIn } from './promql.js';

/**
 * Alerts and dashboard panels on a metric the service does not expose stay silent and empty, and
 * nothing says so: a renamed metric would take its alert down without a sound. This scrapes a real
 * instance in every role (api, realtime and worker, so job and WebSocket metrics are registered) and
 * requires each metric the ops files read to be declared in its exposition.
 */
let dataDir: string;
let service: RunningService;
let exposition: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'linguamate-metrics-'));
  service = await startService(
    testEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ACCESS_LOG: 'off' }),
    // Queues of its own: the jobs' schedulers stay apart from other tests' workers on the same Redis.
    { logDestination: new CapturedLogs(), jobs: { prefix: unique('jobs') } },
  );
  // A request of each kind, so the HTTP histograms have series and their buckets show.
  expect((await fetch(`${service.url}/api/health/ready`)).status).toBe(200);
  expect((await trpcCall(service.url, 'lessons.getAll', { language: 'es' })).codes).toEqual(['OK']);
  await fetch(`${service.url}/metrics`);
  const response = await fetch(`${service.url}/metrics`);
  expect(response.status).toBe(200);
  exposition = await response.text();
});
afterAll(async () => {
  await service?.stop('test done');
  await rm(dataDir, { recursive: true, force: true });
});

describe('the metrics that alerts and dashboards read', () => {
  it('are all exposed on /metrics', () => {
    const { queries: rules, recorded } = ruleQueries();
    const queries = [...rules, ...dashboardQueries()];
    expect(queries.length).toBeGreaterThan(50);
    const types = declaredTypes(exposition);
    const missing = new Map<string, string[]>();
    for (const { where, expr } of queries) {
      for (const name of metricNamesIn(expr)) {
        if (recorded.has(name) || isExposed(name, types)) continue;
        missing.set(name, [...(missing.get(name) ?? []), where]);
      }
    }
    const report = [...missing].map(([name, places]) => `${name} (${[...new Set(places)].join('; ')})`);
    expect(report, 'metrics read by ops/ files but not on /metrics').toEqual([]);
  });

  it('include the 0.5 s bucket the latency SLO counts, and probe routes the SLOs leave out', () => {
    expect(exposition).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.5",.*route="trpc:lessons\.getAll"/m,
    );
    // The SLO rules select routes with route!~"/api/health.*|/metrics.*" (PromQL regexes are anchored).
    const probes = [...exposition.matchAll(/^http_requests_total\{.*route="([^"]+)"/gm)]
      .map((match) => match[1]!)
      .filter((route) => !route.startsWith('trpc:'));
    expect(probes.length).toBeGreaterThan(0);
    for (const route of probes) expect(route).toMatch(/^(?:\/api\/health.*|\/metrics.*)$/);
  });
});
