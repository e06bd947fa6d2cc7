import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SpanContext } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import proxyAddr from 'proxy-addr';

/** A new W3C trace id: 32 lower-case hex digits, never all zeros (a UUID v4 has its version digit set). */
export const newTraceId = (): string => randomUUID().replaceAll('-', '');

/**
 * Decides whose `traceparent` a request may carry in: only a caller inside our own network (the load
 * balancer, a gateway, another service of ours) may join a request to its trace. From anyone else the
 * header is ignored and the request starts a trace of its own, so a client cannot pick the trace id our
 * logs are searched by, nor force sampling on. `trustedCallers` takes what TRUSTED_PROXIES takes: IPs,
 * CIDRs and the keywords `loopback`, `linklocal`, `uniquelocal`.
 */
export function createTraceParentPolicy(
  trustedCallers: readonly string[],
): (traceparent: string | null, peer: string | undefined) => SpanContext | null {
  if (trustedCallers.length === 0) return () => null;
  const trusted = proxyAddr.compile([...trustedCallers]);
  return (traceparent, peer) => {
    if (traceparent === null || peer === undefined || !trusted(peer, 0)) return null;
    const parsed = parseTraceParent(traceparent);
    return parsed ? { ...parsed, isRemote: true } : null;
  };
}

/** The socket peer of a request served by @hono/node-server; undefined for `app.request` in tests. */
export function peerOf(env: unknown): string | undefined {
  return (env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress;
}
