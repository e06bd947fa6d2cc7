import { SpanKind } from '@opentelemetry/api';
import type { Logger } from '../lib/logger.js';
import type { PubSub } from '../lib/store/types.js';
import { inSpan } from '../lib/telemetry/tracer.js';

/** The one pub/sub channel of realtime signals; every instance subscribes once and fans out in process. */
export const REALTIME_CHANNEL = 'rt:signals';

/** Something said live to a user's subscribers and never stored (a streaming reply's text). */
export interface LiveMessage {
  kind: 'delta';
  streamId: string;
  seq: number;
  text: string;
  /** Set on the last delta of a stream: `done` when the reply was stored, `error` when it broke off. */
  end?: 'done' | 'error';
}

/** What a user's subscribers hear: their stream has new entries, or a live message. */
export type UserSignal = { kind: 'wake' } | LiveMessage;

type Wire = { t: 'w'; u: string[] } | { t: 'd'; u: string; m: LiveMessage } | { t: 'b'; b: string };

/** What each kind of signal is called in spans. */
const WIRE_KINDS = { w: 'wake', d: 'live', b: 'board' } as const;

/**
 * Realtime signals across instances over one pub/sub channel: wake-ups after the relay appended to users'
 * streams, live messages for a user, and leaderboard changes. Subscribing costs one Redis subscription
 * per instance however many clients listen; handlers are kept in process by user and board. Signals are
 * at most once (pub/sub): subscribers read the streams, which hold what must not be lost.
 */
export interface RealtimeHub {
  /** Wakes these users' subscribers on every instance. */
  wakeUsers(userIds: readonly string[]): Promise<void>;
  /** Sends a live message to a user's subscribers on every instance; failures are logged, not thrown. */
  sendLive(userId: string, message: LiveMessage): void;
  /** A board changed: announced at most once per interval per board (first at once, then the last). */
  boardChanged(boardId: string): void;
  onUser(userId: string, handler: (signal: UserSignal) => void): Promise<() => void>;
  onBoard(boardId: string, handler: () => void): Promise<() => void>;
  close(): void;
}

export function createRealtimeHub(
  deps: { pubsub: PubSub; log: Logger },
  options: { boardIntervalMs: number },
): RealtimeHub {
  const users = new Map<string, Set<(signal: UserSignal) => void>>();
  const boards = new Map<string, Set<() => void>>();
  const boardTimers = new Map<string, { timer: NodeJS.Timeout; pending: boolean }>();
  let subscribed: Promise<unknown> | undefined;

  const dispatch = (raw: string) => {
    let message: Wire;
    try {
      message = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (message.t === 'w') {
      for (const userId of message.u)
        for (const handler of users.get(userId) ?? []) handler({ kind: 'wake' });
    } else if (message.t === 'd') {
      for (const handler of users.get(message.u) ?? []) handler(message.m);
    } else if (message.t === 'b') {
      for (const handler of boards.get(message.b) ?? []) handler();
    }
  };

  const subscribe = async () => {
    subscribed ??= deps.pubsub.subscribe(REALTIME_CHANNEL, dispatch).catch((error: unknown) => {
      subscribed = undefined;
      throw error;
    });
    await subscribed;
  };

  const publish = (message: Wire) =>
    inSpan(
      `realtime publish ${WIRE_KINDS[message.t]}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'redis', 'messaging.destination.name': REALTIME_CHANNEL },
      },
      () => deps.pubsub.publish(REALTIME_CHANNEL, JSON.stringify(message)),
    );

  function listen<H>(map: Map<string, Set<H>>, key: string, handler: H) {
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(handler);
    return () => {
      const current = map.get(key);
      if (current?.delete(handler) && current.size === 0) map.delete(key);
    };
  }

  const announceBoard = (boardId: string) => {
    publish({ t: 'b', b: boardId }).catch((error: unknown) =>
      deps.log.warn({ err: error, board: boardId }, 'leaderboard change not announced'),
    );
    const timer = setTimeout(() => {
      const state = boardTimers.get(boardId);
      boardTimers.delete(boardId);
      if (state?.pending) announceBoard(boardId);
    }, options.boardIntervalMs);
    timer.unref();
    boardTimers.set(boardId, { timer, pending: false });
  };

  return {
    async wakeUsers(userIds) {
      if (userIds.length > 0) await publish({ t: 'w', u: [...userIds] });
    },
    sendLive(userId, message) {
      publish({ t: 'd', u: userId, m: message }).catch((error: unknown) =>
        deps.log.warn({ err: error }, 'live message not sent'),
      );
    },
    boardChanged(boardId) {
      const state = boardTimers.get(boardId);
      if (state) state.pending = true;
      else announceBoard(boardId);
    },
    async onUser(userId, handler) {
      const stop = listen(users, userId, handler);
      await subscribe().catch((error: unknown) => {
        stop();
        throw error;
      });
      return stop;
    },
    async onBoard(boardId, handler) {
      const stop = listen(boards, boardId, handler);
      await subscribe().catch((error: unknown) => {
        stop();
        throw error;
      });
      return stop;
    },
    close() {
      for (const { timer } of boardTimers.values()) clearTimeout(timer);
      boardTimers.clear();
      users.clear();
      boards.clear();
    },
  };
}
