import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AddressPolicy,
  classifyAddress,
  type ResolveHost,
} from '../src/integrations/tutor-data/index.js';

export type SourceHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server standing for an outside tutor data source, counting the requests of each path. */
export interface TestHttpSource {
  /** The address it listens on, e.g. 127.0.0.1. */
  address: string;
  port: number;
  /** `http://<host>:<port>`: the host defaults to the listening address. */
  origin(host?: string): string;
  /** Answers `path` (query included, when it has one) with `handler`; unknown paths get 404. */
  route(path: string, handler: SourceHandler): void;
  /** Requests received for `path`, or for every path. */
  hits(path?: string): number;
  /** Headers of the last request to `path`. */
  lastHeaders(path: string): http.IncomingHttpHeaders | undefined;
  close(): Promise<void>;
}

/** Starts a local HTTP source on a random port of `address`; close it in `afterAll`. */
export async function startHttpSource(address = '127.0.0.1'): Promise<TestHttpSource> {
  const routes = new Map<string, SourceHandler>();
  const counts = new Map<string, number>();
  const headers = new Map<string, http.IncomingHttpHeaders>();
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    headers.set(path, request.headers);
    const handler = routes.get(path);
    if (handler) handler(request, response);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address,
    port,
    origin: (host = address) => `http://${host}:${port}`,
    route: (path, handler) => void routes.set(path, handler),
    hits: (path) =>
      path === undefined
        ? [...counts.values()].reduce((sum, count) => sum + count, 0)
        : (counts.get(path) ?? 0),
    lastHeaders: (path) => headers.get(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON (`body` serialised unless it is already a string). */
export const json =
  (body: unknown, status = 200, contentType = 'application/json; charset=utf-8'): SourceHandler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** Answers a body of `contentType` (HTML by default). */
export const page =
  (body: string, contentType = 'text/html; charset=utf-8'): SourceHandler =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': contentType });
    response.end(body);
  };

/** Answers a redirect to `location`. */
export const redirect =
  (location: string, status = 302): SourceHandler =>
  (_request, response) => {
    response.writeHead(status, { location });
    response.end();
  };

/**
 * Host names only the test knows, each resolving to the addresses given; other names fail as unknown
 * hosts do. Counts lookups per name.
 */
export function resolving(names: Record<string, string[]>): ResolveHost & { lookups: Map<string, number> } {
  const lookups = new Map<string, number>();
  const resolve = async (host: string) => {
    lookups.set(host, (lookups.get(host) ?? 0) + 1);
    const addresses = names[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({
      address,
      family: address.includes(':') ? (6 as const) : (4 as const),
    }));
  };
  return Object.assign(resolve, { lookups });
}

/**
 * The production address policy, except for exactly these addresses: the local servers that stand for
 * outside sources. Every other loopback, private or link-local address stays refused.
 */
export function admitting(...addresses: string[]): AddressPolicy {
  return (address) => (addresses.includes(address) ? null : classifyAddress(address));
}
