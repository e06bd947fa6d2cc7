import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { createClientIpResolver } from './client-ip.js';

/** A real server on 127.0.0.1 that answers with the client IP its resolver sees. */
const servers: ServerType[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serverTrusting(trustedProxies: string[], hostname = '127.0.0.1') {
  const resolve = createClientIpResolver(trustedProxies);
  const app = new Hono<{ Variables: { clientIp?: string } }>()
    .get('/ip', (c) => c.json({ ip: resolve(c) }))
    // Whoever resolves first (rate limits, then the access log, …) decides for the rest of the request.
    .get('/ip/kept', (c) => {
      c.set('clientIp', '192.0.2.99');
      return c.json({ ip: resolve(c) });
    });
  const server = await new Promise<ServerType>((ready) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname }, () => ready(instance));
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  const ipFor = async (forwardedFor?: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/ip`, {
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
    return ((await response.json()) as { ip: string | null }).ip;
  };
  return { app, ipFor };
}

describe('createClientIpResolver', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { ipFor } = await serverTrusting([]);
    expect(await ipFor()).toBe('127.0.0.1');
    expect(await ipFor('203.0.113.7')).toBe('127.0.0.1');
    const { ipFor: ipViaOtherProxy } = await serverTrusting(['10.0.0.0/8']);
    expect(await ipViaOtherProxy('203.0.113.7')).toBe('127.0.0.1');
  });

  it('honours X-Forwarded-For from a trusted peer, hop by hop from the right', async () => {
    const { ipFor } = await serverTrusting(['127.0.0.1']);
    expect(await ipFor()).toBe('127.0.0.1');
    expect(await ipFor('203.0.113.7')).toBe('203.0.113.7');
    // The left entries are the client's own claims: only the hop our proxy appended counts.
    expect(await ipFor('198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');

    const { ipFor: throughTwoProxies } = await serverTrusting(['loopback', '10.0.0.0/8']);
    expect(await throughTwoProxies('198.51.100.1, 10.1.2.3')).toBe('198.51.100.1');
  });

  it('gives an IPv4 client of a dual-stack socket its IPv4 address', async () => {
    const { ipFor } = await serverTrusting([], '::');
    expect(await ipFor()).toBe('127.0.0.1');
  });

  it('answers what the request already resolved', async () => {
    const { app } = await serverTrusting([]);
    const response = await app.request('/ip/kept');
    expect(await response.json()).toEqual({ ip: '192.0.2.99' });
  });

  it('is null without a socket, whatever the headers say', async () => {
    const { app } = await serverTrusting(['127.0.0.1']);
    const response = await app.request('/ip', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(await response.json()).toEqual({ ip: null });
  });

  it('refuses an entry that is not an address, a range or a keyword', () => {
    expect(() => createClientIpResolver(['not-an-ip'])).toThrow();
  });
});
