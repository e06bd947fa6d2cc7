import type { WsCloseReason } from '../../lib/metrics.js';

/** What a client is told when the server closes its socket: a close code and a JSON reason. */
export interface WsClose {
  code: number;
  /** Machine-readable, also the reason's `code`. */
  name: string;
  /** Whether the client should connect again (after refreshing its token for TOKEN_EXPIRED). */
  reconnect: boolean;
  /** The `ws_connections_closed_total` label. */
  metric: WsCloseReason;
}

/**
 * Every close the server initiates. Codes 4000–4999 are the application's (RFC 6455 §7.4.2); 1012 is
 * "service restart". The close frame's reason is `JSON.stringify({ code: name, reconnect })`.
 */
export const WS_CLOSES = {
  tokenExpired: { code: 4001, name: 'TOKEN_EXPIRED', reconnect: true, metric: 'token_expired' },
  sessionRevoked: { code: 4002, name: 'SESSION_REVOKED', reconnect: false, metric: 'session_revoked' },
  userLimit: { code: 4003, name: 'TOO_MANY_CONNECTIONS', reconnect: false, metric: 'user_limit' },
  slowConsumer: { code: 4004, name: 'SLOW_CONSUMER', reconnect: true, metric: 'slow_consumer' },
  messageFlood: { code: 4005, name: 'MESSAGE_FLOOD', reconnect: false, metric: 'message_flood' },
  shutdown: { code: 1012, name: 'SERVICE_RESTART', reconnect: true, metric: 'shutdown' },
} as const satisfies Record<string, WsClose>;

/** The close frame's reason text (at most 123 bytes, as RFC 6455 allows). */
export function closeReasonText(close: WsClose): string {
  return JSON.stringify({ code: close.name, reconnect: close.reconnect });
}
