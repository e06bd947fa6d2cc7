import type { WebSocket } from 'ws';
import type { WebSocketMetrics, WsCloseReason } from '../../lib/metrics.js';
import type { Caller } from '../../trpc/context.js';
import { WS_CLOSES, type WsClose } from './close-codes.js';

/** One open socket and what the gateway knows of it. */
export interface Connection {
  id: string;
  socket: WebSocket;
  /** The upgrade request's correlation id: every call on the socket logs and answers with it. */
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  /** Set once the connection params' token has been checked; null for an anonymous socket. */
  caller: Caller | null;
  expiryTimer?: NodeJS.Timeout;
  /** Cleared by each heartbeat, set by the peer's pong or any message. */
  alive: boolean;
  /** True once the socket has closed and its counts were released. */
  released: boolean;
  /** Why the server closed it, when it did. */
  closeReason?: WsCloseReason;
  /** Messages received in the current 10-second window. */
  window: { startedAt: number; messages: number };
}

const FLOOD_WINDOW_MS = 10_000;

/**
 * Per-socket care: messages are counted both ways; a send to a client that holds more than
 * `maxBufferedBytes` unread closes it (SLOW_CONSUMER) instead of buffering without limit; more than
 * `floodLimit` messages in 10 s close it as abusive (MESSAGE_FLOOD) — ordinary excess is answered by the
 * rate limit policies with RATE_LIMITED errors; a message past the size limit (ws's `maxPayload`) makes ws
 * close the socket with 1009, counted here.
 */
export function guardConnection(
  connection: Connection,
  options: {
    maxBufferedBytes: number;
    floodLimit: number;
    metrics: WebSocketMetrics;
    closeWith: (connection: Connection, close: WsClose) => void;
  },
): void {
  const { socket } = connection;
  const { metrics, closeWith } = options;
  const send = socket.send.bind(socket);
  socket.send = ((...args: Parameters<WebSocket['send']>) => {
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      closeWith(connection, WS_CLOSES.slowConsumer);
      return;
    }
    metrics.messages.inc({ direction: 'out' });
    send(...args);
  }) as WebSocket['send'];

  socket.on('pong', () => {
    connection.alive = true;
  });
  socket.on('message', () => {
    connection.alive = true;
    metrics.messages.inc({ direction: 'in' });
    const now = Date.now();
    if (now - connection.window.startedAt >= FLOOD_WINDOW_MS)
      connection.window = { startedAt: now, messages: 0 };
    if (++connection.window.messages > options.floodLimit) closeWith(connection, WS_CLOSES.messageFlood);
  });
  socket.on('error', (error: Error & { code?: string }) => {
    connection.closeReason ??=
      error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'message_too_big' : 'error';
  });
}

/** Resolves once the socket has closed. */
export function onceClosed(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
