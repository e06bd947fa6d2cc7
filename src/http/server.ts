import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
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

export interface StartOptions {
  app: App;
  port: number;
  host: string;
  log: Logger;
}

export async function startHttpServer(options: StartOptions): Promise<HttpServer> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const instance = serve({ fetch: options.app.fetch, port: options.port, hostname: options.host }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
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
