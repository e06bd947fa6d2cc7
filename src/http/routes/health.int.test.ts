import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, usingPostgres } from '../../../test/harness.js';
import { proxiedPostgres } from '../../../test/proxied-postgres.js';
import { openPglite } from '../../db/client.js';

describe('health probes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('live answers without touching dependencies', async () => {
    expect(await (await t.request('/api/health/live')).json()).toEqual({ status: 'ok' });
  });

  it('ready proves the database and the migrations, not the store (losing it only degrades)', async () => {
    const response = await t.request('/api/health/ready');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['migrations', 'postgres']);
    expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
  });

  it('reports version, uptime, memory, event-loop delay, pool stats and the store', async () => {
    const body = await (await t.request('/api/health')).json();
    expect(body).toMatchObject({
      status: 'ok',
      degraded: [],
      dependencies: { [usingRedisStore(t) ? 'redis' : 'store']: { ok: true, latencyMs: expect.any(Number) } },
      version: '1.0.0',
      uptime: expect.any(Number),
      memory: { rssMb: expect.any(Number) },
      eventLoopDelayMs: { p99: expect.any(Number) },
      pool: { max: expect.any(Number) },
    });
  });

  it('ready fails while shutting down so load balancers drain the instance', async () => {
    t.deps.lifecycle.shuttingDown = true;
    try {
      const response = await t.request('/api/health/ready');
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ failing: ['shutdown'] });
    } finally {
      t.deps.lifecycle.shuttingDown = false;
    }
  });
});

const usingRedisStore = (t: TestApp) => t.deps.kv.kind === 'redis';

describe('readiness when the database goes away', () => {
  it.runIf(usingPostgres())('turns 503 naming postgres when PostgreSQL becomes unreachable', async () => {
    const { database, proxy } = await proxiedPostgres();
    const t = await createTestApp({ database });
    try {
      expect((await t.request('/api/health/ready')).status).toBe(200);
      await proxy.cut();
      const response = await t.request('/api/health/ready');
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await response.json()) as {
        failing: string[];
        checks: Record<string, { error?: string }>;
      };
      expect(body.failing).toContain('postgres');
      expect(body.checks.postgres?.error).toBeTruthy();
      expect(JSON.stringify(body)).not.toContain('postgres://');
    } finally {
      await t.close();
      await database.close().catch(() => undefined);
    }
  });

  it('turns 503 naming migrations while committed ones are not applied', async () => {
    const database = await openPglite(null);
    const t = await createTestApp({ database });
    try {
      const response = await t.request('/api/health/ready');
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        failing: string[];
        checks: Record<string, { ok: boolean; error?: string }>;
      };
      expect(body.failing).toEqual(['migrations']);
      expect(body.checks.postgres?.ok).toBe(true);
      expect(body.checks.migrations?.error).toMatch(/^[1-9]\d* migration\(s\) pending$/);
    } finally {
      await t.close();
      await database.close();
    }
  });

  it('turns 503 naming postgres when the embedded database is gone', async () => {
    const database = await openPglite(null);
    const t = await createTestApp({ database });
    try {
      await database.close();
      const response = await t.request('/api/health/ready');
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await response.json()) as { failing: string[] }).failing).toContain('postgres');
    } finally {
      await t.close();
    }
  });
});
