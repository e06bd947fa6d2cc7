import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import proxyAddr from 'proxy-addr';

/** The client address of a request, or null when there is no socket (`app.request` in tests). */
export type ClientIpResolver = (c: Context) => string | null;

/**
 * Resolves the client IP with proxy-addr's rules: `X-Forwarded-For` is read only when the socket peer is a
 * trusted proxy, and then from the right, hop by hop, while each hop is trusted; the first untrusted address
 * is the client. `trustedProxies` holds IPs, CIDRs (`10.0.0.0/8`) and the keywords `loopback`, `linklocal`,
 * `uniquelocal`; an invalid entry throws here, at start-up. The result is kept on the context as `clientIp`.
 */
export function createClientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  const resolve = createPeerIpResolver(trustedProxies);
  return function resolveClientIp(c) {
    const cached = c.get('clientIp') as string | undefined;
    if (cached !== undefined) return cached;
    const peer = peerAddress(c);
    if (peer === null) return null;
    const ip = resolve(peer, c.req.header('x-forwarded-for'));
    c.set('clientIp', ip);
    return ip;
  };
}

/**
 * The client IP of a Node request that never reaches Hono (a WebSocket upgrade), by the same rules as
 * `createClientIpResolver`.
 */
export function createUpgradeIpResolver(
  trustedProxies: readonly string[],
): (request: IncomingMessage) => string | null {
  const resolve = createPeerIpResolver(trustedProxies);
  return (request) => {
    const peer = request.socket.remoteAddress;
    if (!peer) return null;
    const forwardedFor = request.headers['x-forwarded-for'];
    return resolve(peer, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor);
  };
}

function createPeerIpResolver(trustedProxies: readonly string[]) {
  const trust = proxyAddr.compile([...trustedProxies]);
  const trustsAnyProxy = trustedProxies.length > 0;
  return (peer: string, forwardedFor: string | undefined): string => {
    const header = trustsAnyProxy ? forwardedFor : undefined;
    return unmapIpv4(
      header
        ? proxyAddr(
            // proxy-addr reads only these two fields of a Node request.
            {
              socket: { remoteAddress: peer },
              headers: { 'x-forwarded-for': header },
            } as unknown as IncomingMessage,
            trust,
          )
        : peer,
    );
  };
}

function peerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is `1.2.3.4`, so one client has one key. */
function unmapIpv4(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
