import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { ADMIN_CONTENT_SECURITY_POLICY, API_CONTENT_SECURITY_POLICY } from '../edge/security-headers.js';
import { createAdminConsoleRoutes } from './admin-console.js';

describe('admin console route', () => {
  let t: TestApp;
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'admin-console-'));
    await mkdir(path.join(directory, 'assets'));
    await writeFile(path.join(directory, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(path.join(directory, 'assets', 'app-ABC123.js'), 'console.log(1)');
    await writeFile(path.join(directory, 'assets', 'styles-DEF456.css'), 'body{}');
    await writeFile(path.join(directory, 'assets', 'notes.txt'), 'not served');
    t = await createTestApp();
    // Mounted beside the real /admin, on builds of the test's own: one present, one missing.
    t.app.route('/test-console', createAdminConsoleRoutes({ directory }));
    t.app.route('/test-unbuilt', createAdminConsoleRoutes({ directory: path.join(directory, 'missing') }));
  });
  afterAll(async () => {
    await t.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('serves the page with its own strict policy, revalidated every time', async () => {
    const response = await t.request('/test-console');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(ADMIN_CONTENT_SECURITY_POLICY);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // The edge's other headers are still there.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
    expect(await response.text()).toContain('<title>console</title>');
  });

  it('allows no inline script or style and no other origin', () => {
    expect(ADMIN_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(ADMIN_CONTENT_SECURITY_POLICY).toContain("style-src 'self';");
    expect(ADMIN_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(ADMIN_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(ADMIN_CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const script = await t.request('/test-console/assets/app-ABC123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-security-policy')).toBe(ADMIN_CONTENT_SECURITY_POLICY);
    expect(await script.text()).toBe('console.log(1)');
    const styles = await t.request('/test-console/assets/styles-DEF456.css');
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 with a code and the request id for a file it does not serve', async () => {
    for (const file of ['app-NOPE.js', 'notes.txt', '..%2Findex.html']) {
      const response = await t.request(`/test-console/assets/${file}`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { code: string; requestId: string };
      expect(body.code).toBe('NOT_FOUND');
      expect(body.requestId).toBe(response.headers.get('x-correlation-id'));
    }
  });

  it('answers 503 naming the missing build when the console was not built', async () => {
    for (const url of ['/test-unbuilt', '/test-unbuilt/assets/app-ABC123.js']) {
      const response = await t.request(url);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.message).toContain('admin console is not built');
    }
  });

  it('leads /admin/ to /admin', async () => {
    const response = await t.request('/admin/');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/admin');
  });

  it('leaves the API its own policy', async () => {
    const response = await t.request('/api/health/live');
    expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
  });
});
