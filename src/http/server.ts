import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Env } from '../config/env.js';
import type { Logger } from '../lib/logger.js';
import type { App } from './app.js';

export interface HttpServer {
  server: ServerType;
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish until `deadlineMs`, then cuts whatever is
   * left. Resolves once the listener is closed.
   */
  close(deadlineMs: number): Promise<void>;
}

export interface ServerLimits {
  maxHeaderBytes: number;
  /** Time allowed to receive the request headers: slow-loris clients are cut after it. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive connection closes; keep it above the load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export interface StartOptions {
  app: App;
  port: number;
  host: string;
  log: Logger;
  limits: ServerLimits;
}

/** The server limits of a configuration. */
export function serverLimitsFrom(env: Env): ServerLimits {
  return {
    maxHeaderBytes: env.HTTP_MAX_HEADER_BYTES,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.HTTP_MAX_CONNECTIONS,
  };
}

export async function startHttpServer(options: StartOptions): Promise<HttpServer> {
  const { limits } = options;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve(
      {
        fetch: options.app.fetch,
        port: options.port,
        hostname: options.host,
        serverOptions: {
          maxHeaderSize: limits.maxHeaderBytes,
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // How often Node checks the two timeouts above; its default (30 s) would let slow clients linger.
          connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
        },
      },
      () => resolve(instance),
    );
    instance.once('error', reject);
  });
  server.maxConnections = limits.maxConnections;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (deadlineMs: number) => {
    closing ??= new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        options.log.warn({ deadlineMs }, 'shutdown deadline reached, closing remaining connections');
        closeAll(server);
      }, deadlineMs);
      deadline.unref();
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
      // Idle keep-alive sockets would otherwise hold the listener open until the deadline.
      closeIdle(server);
    });
    return closing;
  };
  return { server, url, close };
}

type ClosableServer = { closeIdleConnections?: () => void; closeAllConnections?: () => void };
const closeIdle = (server: ServerType) => (server as ClosableServer).closeIdleConnections?.();
const closeAll = (server: ServerType) => (server as ClosableServer).closeAllConnections?.();
