import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { API_CONTENT_SECURITY_POLICY } from './security-headers.js';

const ALLOWED = 'https://app.linguamate.test';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CORS_ORIGINS: ALLOWED } });
  // Answers the edge did not build, registered before the first request builds the router.
  t.app.get('/api/__test/html', (c) =>
    c.html('<p>page</p>', 200, { 'content-security-policy': "default-src 'self'" }),
  );
  t.app.get('/api/__test/vary', (c) => c.text('ok', 200, { vary: 'Accept-Encoding' }));
  t.app.get('/api/__test/redirect', () => Response.redirect('https://example.com/next', 302));
  t.app.get('/api/__test/items/:id', (c) => c.json({ id: c.req.param('id') }));
});
afterAll(() => t.close());

/** A request over a real socket with header names spelled exactly as given (fetch lower-cases them). */
async function rawRequest(path: string, method: string, headers: [string, string | string[]][]) {
  const base = new URL(await t.listen());
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const request = http.request({ host: base.hostname, port: base.port, path, method }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      });
      request.on('error', reject);
      for (const [name, value] of headers) request.setHeader(name, value);
      request.end();
    },
  );
}

describe('edge over a socket', () => {
  it('reads its headers whatever their spelling, and the first of repeated ones', async () => {
    const response = await rawRequest('/api/info', 'GET', [
      ['X-Correlation-ID', 'Mixed-Case-1'],
      ['ORIGIN', ALLOWED],
    ]);
    expect(response.status).toBe(200);
    expect(response.headers['x-correlation-id']).toBe('Mixed-Case-1');
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(JSON.parse(response.body)).toMatchObject({ name: 'Language Learning Backend' });

    const fallback = await rawRequest('/api/info', 'GET', [['X-Request-Id', 'from-proxy-7']]);
    expect(fallback.headers['x-correlation-id']).toBe('from-proxy-7');

    const repeated = await rawRequest('/api/info', 'GET', [['x-correlation-id', ['first-1', 'second-2']]]);
    expect(repeated.headers['x-correlation-id']).toBe('first-1');
  });

  it('does not take another header of the same length for one of its own', async () => {
    // X-Forwarded-Host is as long as X-Correlation-ID, and comes first here.
    const response = await rawRequest('/api/info', 'GET', [
      ['X-Forwarded-Host', 'proxy.example'],
      ['X-Correlation-ID', 'same-length-1'],
    ]);
    expect(response.headers['x-correlation-id']).toBe('same-length-1');
  });

  it('answers a preflight sent with capitalised names', async () => {
    const response = await rawRequest('/api/trpc/auth.login?batch=1', 'OPTIONS', [
      ['Origin', ALLOWED],
      ['Access-Control-Request-Method', 'POST'],
    ]);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['content-type']).toBeUndefined();
    expect(response.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
  });

  it('replaces an unsafe incoming id with a fresh one', async () => {
    const response = await rawRequest('/api/health/live', 'GET', [['X-Correlation-Id', 'bad id\twith tab']]);
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('answers built outside the edge', () => {
  it('keep their own content type and CSP, and get every other header', async () => {
    const response = await t.request('/api/__test/html');
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('merge Vary with the CORS one', async () => {
    const response = await t.request('/api/__test/vary', { headers: { origin: ALLOWED } });
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('get the headers even when their own are immutable (Response.redirect)', async () => {
    const response = await t.request('/api/__test/redirect', {
      headers: { 'x-correlation-id': 'redirect-1' },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/next');
    expect(response.headers.get('x-correlation-id')).toBe('redirect-1');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('HEAD answers carry them too, without a body', async () => {
    const response = await t.request('/api/health/live', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
    expect(await response.text()).toBe('');
  });
});

describe('metric labels', () => {
  it('name the route pattern, never the raw path, and unmatched paths as one label', async () => {
    await t.request('/api/__test/items/first');
    await t.request('/api/__test/items/second');
    await t.request('/no/such/path/123');
    await t.request('/no/such/path/456');
    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toMatch(
      /http_requests_total\{route="\/api\/__test\/items\/:id",method="GET",status="200"\} 2/,
    );
    expect(metrics).toMatch(/http_requests_total\{route="unmatched",method="GET",status="404"\} 2/);
    expect(metrics).not.toContain('first');
    expect(metrics).not.toContain('/no/such/path');
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{route="\/api\/__test\/items\/:id",method="GET",status="200"\} 2/,
    );
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",route="unmatched",method="GET",status="404"\} 2/,
    );
  });
});
