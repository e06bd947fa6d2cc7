import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import type { Database } from '../src/db/client.js';
import type { PolicyOverrides } from '../src/lib/rate-limit/limiter.js';
import { type RunningService, startService } from '../src/service.js';
import type { AppRouter } from '../src/trpc/router.js';
import { CapturedLogs, type TestApp, type TrpcClient, testDatabase, testEnv, unique } from './harness.js';

/** A whole service (HTTP and WebSocket, as `npm start` runs it) on a random local port. */
export interface WsService {
  service: RunningService;
  logs: CapturedLogs;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `ws://127.0.0.1:<port>/api/trpc`. */
  wsUrl: string;
  /** What test/factories.ts needs of a test app, so `createUser` works against this service. */
  asTestApp: TestApp;
  stop(): Promise<void>;
}

/** Starts the service with `startService` on the run's database and store, with settings of the test's. */
export async function startWsService(
  options: { env?: Record<string, string | undefined>; policies?: PolicyOverrides; database?: Database } = {},
): Promise<WsService> {
  const logs = new CapturedLogs();
  const shared = options.database ?? (await testDatabase());
  // The worker's database outlives this service: its stop closes everything else.
  const database: Database = {
    db: shared.db,
    kind: shared.kind,
    ping: () => shared.ping(),
    poolStats: () => shared.poolStats(),
    close: async () => {},
  };
  const service = await startService(
    testEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'false',
      SEED_ON_START: 'false',
      ...options.env,
    }),
    {
      database,
      logDestination: logs,
      rateLimits: { keyPrefix: unique('rl'), ...(options.policies && { policies: options.policies }) },
    },
  );
  const url = service.url;
  const httpClient = (headers: Record<string, string>) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${url}/api/trpc`, transformer: superjson, headers })],
    });
  const asTestApp = {
    deps: service.deps,
    logs,
    listen: async () => url,
    trpc: async (clientOptions: { headers?: Record<string, string> } = {}) =>
      httpClient(clientOptions.headers ?? {}),
  } as unknown as TestApp;
  return {
    service,
    logs,
    url,
    wsUrl: `${url.replace('http', 'ws')}/api/trpc`,
    asTestApp,
    stop: () => service.stop('test'),
  };
}

/** How a socket ended: its close code and the reason, parsed when it is JSON. */
export interface Closed {
  code: number;
  reason: unknown;
}

/** A `ws` WebSocket that records how it closed, for tRPC's client to use. */
export function recordingWebSocket() {
  const sockets: WebSocket[] = [];
  const closes: Closed[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      sockets.push(this);
      this.once('close', (code, reason) => closes.push({ code, reason: parseReason(reason.toString()) }));
    }
  }
  return { RecordingWebSocket, sockets, closes };
}

/**
 * A typed tRPC client over WebSocket (createWSClient + wsLink + superjson), sending `token` in the
 * connection params. `closed` resolves with the first close of its first socket.
 */
export function wsTrpcClient(wsUrl: string, token: string | null) {
  const recording = recordingWebSocket();
  const wsClient = createWSClient({
    url: wsUrl,
    WebSocket: recording.RecordingWebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : {},
    retryDelayMs: () => 60_000,
  });
  const client: TrpcClient = createTRPCClient<AppRouter>({
    links: [wsLink({ client: wsClient, transformer: superjson })],
  });
  const closed = async (): Promise<Closed> => {
    while (recording.sockets.length === 0) await sleep(10);
    const socket = recording.sockets[0]!;
    if (recording.closes[0]) return recording.closes[0];
    await new Promise((resolve) => socket.once('close', resolve));
    return recording.closes[0]!;
  };
  return { client, wsClient, closed, sockets: recording.sockets, close: () => wsClient.close() };
}

/**
 * A raw socket speaking tRPC's wire format: the connection params first (when `token` is given), then
 * whatever the test sends. Messages received are kept in `messages`.
 */
export async function rawSocket(wsUrl: string, options: { token?: string; autoPong?: boolean } = {}) {
  const socket = new WebSocket(options.token !== undefined ? `${wsUrl}?connectionParams=1` : wsUrl, {
    autoPong: options.autoPong ?? true,
  });
  const messages: unknown[] = [];
  const closed = new Promise<Closed>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: parseReason(reason.toString()) })),
  );
  socket.on('message', (data) => messages.push(parseReason(data.toString())));
  socket.on('error', () => {});
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
  if (options.token !== undefined)
    socket.send(JSON.stringify({ method: 'connectionParams', data: { token: options.token } }));
  return { socket, messages, closed };
}

/** A tRPC wire call: `{ id, method, params: { path, input } }` with a superjson input. */
export function wireCall(id: number, method: 'query' | 'mutation', path: string, input?: unknown) {
  return {
    id,
    jsonrpc: '2.0',
    method,
    params: { path, input: input === undefined ? undefined : superjson.serialize(input) },
  };
}

/** Waits until `check` returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseReason(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
