import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { applyWSSHandler, type CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { loggableError } from '../../db/errors.js';
import { requestIdOf } from '../../http/edge/request-id.js';
import type { ErrorReporter } from '../../integrations/error-tracking/index.js';
import { createUpgradeIpResolver } from '../../lib/client-ip.js';
import type { SharedStore } from '../../lib/store/types.js';
import { resolveAccessToken } from '../../modules/auth/caller.js';
import { SESSIONS_REVOKED_CHANNEL } from '../../modules/auth/sessions.js';
import type { Caller, ProcedureDeps, TrpcContext } from '../../trpc/context.js';
import { appCodeOf } from '../../trpc/init.js';
import { appRouter } from '../../trpc/router.js';
import { closeReasonText, WS_CLOSES, type WsClose } from './close-codes.js';
import { type Connection, guardConnection, onceClosed } from './connection.js';
import { createUserConnections } from './user-connections.js';

/** The path both transports serve: a client needs one base URL. */
export const WS_PATH = '/api/trpc';
/** A revocation is remembered this long, for sockets whose token check was under way when it came. */
const REVOKED_MEMORY_MS = 60_000;

/** What the gateway needs: what procedures need, and the Redis client when there is one. */
export type RealtimeDeps = ProcedureDeps & { store: Pick<SharedStore, 'redis'>; errors: ErrorReporter };

export interface WebSocketGateway {
  /** Open sockets on this instance. */
  readonly openConnections: number;
  /**
   * Stops accepting upgrades and closes the sockets with 1012 (service restart): clients reconnect through
   * the load balancer and resubscribe from their last event id. Resolves once they are closed. Calling it
   * again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Serves the app's tRPC router over WebSocket on the HTTP server's `/api/trpc` (queries, mutations and
 * subscriptions, superjson), beside HTTP and SSE on the same path. The access token comes in tRPC's
 * `connectionParams` (`{ token }`) and is checked once, as the HTTP path checks a bearer header; the
 * socket then closes with a typed reason (close-codes.ts) when the token expires or its session is
 * revoked on any instance. Heartbeats, connection caps, slow consumers, message floods and the message
 * size are looked after here and in connection.ts; procedure calls spend their rate limit policies in the
 * same tRPC middleware as over HTTP.
 */
export async function attachWebSocketServer(options: {
  server: Server;
  deps: RealtimeDeps;
}): Promise<WebSocketGateway> {
  const { server, deps } = options;
  const { env, log, metrics } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: env.WS_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  const connections = new Map<WebSocket, Connection>();
  const bySession = new Map<string, Set<Connection>>();
  const recentlyRevoked = new Map<string, number>();
  const userConnections = createUserConnections({
    redis: deps.store.redis,
    ttlMs: env.WS_HEARTBEAT_INTERVAL_MS * 3,
    log,
  });
  const resolveIp = createUpgradeIpResolver(env.TRUSTED_PROXIES);
  let closing: Promise<void> | undefined;

  const closeWith = (connection: Connection, close: WsClose) => {
    const { socket } = connection;
    if (connection.closeReason || socket.readyState !== socket.OPEN) return;
    connection.closeReason = close.metric;
    socket.close(close.code, closeReasonText(close));
    // A peer that does not answer the close handshake (one that stopped reading) is cut.
    const cut = setTimeout(() => socket.terminate(), 1_000);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  };

  const unsubscribe = await deps.pubsub.subscribe(SESSIONS_REVOKED_CHANNEL, (message) => {
    const sessionIds = parseRevocation(message);
    const until = Date.now() + REVOKED_MEMORY_MS;
    for (const sessionId of sessionIds) {
      recentlyRevoked.set(sessionId, until);
      for (const connection of bySession.get(sessionId) ?? [])
        closeWith(connection, WS_CLOSES.sessionRevoked);
    }
  });

  const release = (connection: Connection) => {
    connections.delete(connection.socket);
    metrics.ws.open.dec();
    metrics.ws.closed.inc({ reason: connection.closeReason ?? 'client' });
    clearTimeout(connection.expiryTimer);
    const { caller } = connection;
    if (!caller) return;
    const sockets = bySession.get(caller.sessionId);
    sockets?.delete(connection);
    if (sockets?.size === 0) bySession.delete(caller.sessionId);
    void userConnections.remove(caller.userId, connection.id);
  };

  /** The caller of a token, registered so that expiry, revocation and the per-user cap reach the socket. */
  const authenticate = async (connection: Connection, token: string | null): Promise<Caller | null> => {
    if (!token) return null;
    const resolved = await resolveAccessToken(deps, token);
    if (!resolved || connection.released) return null;
    const { caller, expiresAt } = resolved;
    connection.caller = caller;
    const sockets = bySession.get(caller.sessionId) ?? new Set<Connection>();
    bySession.set(caller.sessionId, sockets.add(connection));
    if (recentlyRevoked.has(caller.sessionId)) {
      closeWith(connection, WS_CLOSES.sessionRevoked);
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Session revoked' });
    }
    const untilExpiry = Math.min(expiresAt.getTime() - Date.now(), 2_147_483_647);
    connection.expiryTimer = setTimeout(() => closeWith(connection, WS_CLOSES.tokenExpired), untilExpiry);
    connection.expiryTimer.unref();
    const count = await userConnections.add(caller.userId, connection.id);
    if (connection.released) await userConnections.remove(caller.userId, connection.id);
    if (count > env.WS_MAX_CONNECTIONS_PER_USER) {
      closeWith(connection, WS_CLOSES.userLimit);
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Too many connections' });
    }
    return caller;
  };

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    };
    const connection: Connection = {
      id: randomUUID(),
      socket,
      requestId: requestIdOf({
        correlationId: header('x-correlation-id'),
        requestId: header('x-request-id'),
        origin: null,
        requestedMethod: null,
        traceparent: null,
      }),
      ip: resolveIp(request),
      userAgent: header('user-agent')?.slice(0, 512) ?? null,
      caller: null,
      alive: true,
      released: false,
      window: { startedAt: Date.now(), messages: 0 },
    };
    connections.set(socket, connection);
    metrics.ws.open.inc();
    guardConnection(connection, {
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      floodLimit: env.WS_MESSAGE_FLOOD_LIMIT,
      metrics: metrics.ws,
      closeWith,
    });
    socket.once('close', () => {
      connection.released = true;
      release(connection);
    });
  });

  // After the listener above, so a socket is registered before tRPC asks for its context.
  applyWSSHandler({
    wss,
    router: appRouter,
    maxBatchSize: env.TRPC_MAX_BATCH_SIZE,
    async createContext({ res: socket, info }: CreateWSSContextFnOptions): Promise<TrpcContext> {
      const connection = connections.get(socket);
      const caller = connection ? await authenticate(connection, tokenOf(info.connectionParams)) : null;
      return {
        deps,
        requestId: connection?.requestId ?? randomUUID(),
        caller,
        ip: connection?.ip ?? null,
        userAgent: connection?.userAgent ?? null,
      };
    },
    onError({ error, path, ctx }) {
      if (appCodeOf(error) !== 'INTERNAL') return;
      log.error({ err: loggableError(error.cause ?? error), path, transport: 'ws' }, 'procedure failed');
      deps.errors.report(error.cause ?? error, {
        procedure: path ?? 'unknown',
        transport: 'ws',
        ...(ctx && { requestId: ctx.requestId }),
      });
    },
  });

  const sweep = setInterval(() => {
    const live: { userId: string; connectionId: string }[] = [];
    for (const connection of connections.values()) {
      const { socket } = connection;
      if (!connection.alive) {
        connection.closeReason ??= 'heartbeat_timeout';
        socket.terminate();
        continue;
      }
      connection.alive = false;
      if (socket.bufferedAmount > env.WS_MAX_BUFFERED_BYTES) {
        closeWith(connection, WS_CLOSES.slowConsumer);
        continue;
      }
      socket.ping();
      if (connection.caller) live.push({ userId: connection.caller.userId, connectionId: connection.id });
    }
    void userConnections.renew(live);
    const now = Date.now();
    for (const [sessionId, until] of recentlyRevoked) if (until <= now) recentlyRevoked.delete(sessionId);
  }, env.WS_HEARTBEAT_INTERVAL_MS);
  sweep.unref();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0];
    // Another upgrade listener (a later role's) may serve other paths.
    if (path !== WS_PATH) {
      if (server.listenerCount('upgrade') === 1) refuse(socket, 404);
      return;
    }
    if (closing) return refuse(socket, 503, 'shutting_down');
    if (connections.size >= env.WS_MAX_CONNECTIONS) return refuse(socket, 503, 'instance_limit');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  const refuse = (socket: Duplex, status: 404 | 503, reason?: 'shutting_down' | 'instance_limit') => {
    metrics.ws.upgradesRefused.inc({ reason: reason ?? 'not_found' });
    const retry = status === 503 ? 'Retry-After: 5\r\n' : '';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n${retry}\r\n`,
    );
  };
  server.on('upgrade', onUpgrade);

  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      // No tRPC reconnect notification first: it makes clients move their subscriptions while the old
      // socket still delivers, and the socket closes at once anyway. A plain close is the path every
      // client handles (the same as a crash), and the stream replays whatever the close cut off.
      const open = [...connections.values()];
      for (const connection of open) closeWith(connection, WS_CLOSES.shutdown);
      await Promise.all(open.map((connection) => onceClosed(connection.socket)));
      await unsubscribe().catch((error: unknown) =>
        log.warn({ err: error }, 'revocation unsubscribe failed'),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      log.info({ closed: open.length }, 'WebSocket connections closed');
    })();
    return closing;
  };

  return {
    get openConnections() {
      return connections.size;
    },
    close,
  };
}

/** The access token of tRPC's connection params: `{ token }`. */
function tokenOf(params: Record<string, string | undefined> | null): string | null {
  const token = params?.token;
  return typeof token === 'string' && token.length > 0 ? token : null;
}

function parseRevocation(message: string): string[] {
  try {
    const parsed = JSON.parse(message) as { sessionIds?: unknown };
    return Array.isArray(parsed.sessionIds)
      ? parsed.sessionIds.filter((id): id is string => typeof id === 'string')
      : [];
  } catch {
    return [];
  }
}
