import { EventSourceParserStream } from 'eventsource-parser/stream';
import superjson from 'superjson';

/** One item a subscription sent: its tracked id (if any) and its data. */
export interface SseItem<T = unknown> {
  id: string | undefined;
  data: T;
}

export interface SseSubscription<T = unknown> {
  /** The next data item; rejects after `timeoutMs` or when the stream sent an error or ended. */
  next(timeoutMs?: number): Promise<SseItem<T>>;
  /** Items that arrive within `ms`, without waiting for more. */
  drain(ms: number): Promise<SseItem<T>[]>;
  close(): void;
}

/**
 * Opens a tRPC subscription over SSE on a real socket, as httpSubscriptionLink does (GET with the
 * superjson input, `text/event-stream`), and resolves once the server has started it: after tRPC's
 * `connected` event and a short pause for the procedure's first step (listening, reading its cursor).
 */
export async function openSse<T = unknown>(
  base: string,
  path: string,
  options: { token?: string; input?: unknown; settleMs?: number } = {},
): Promise<SseSubscription<T>> {
  const controller = new AbortController();
  const query =
    options.input === undefined
      ? ''
      : `?${new URLSearchParams({ input: JSON.stringify(superjson.serialize(options.input)) })}`;
  const response = await fetch(`${base}/api/trpc/${path}${query}`, {
    headers: {
      accept: 'text/event-stream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    signal: controller.signal,
  });
  if (response.headers.get('content-type') !== 'text/event-stream')
    throw new Error(`not an event stream: ${response.status} ${await response.text()}`);
  const items: SseItem<T>[] = [];
  const waiters: (() => void)[] = [];
  let failure: Error | undefined;
  let connected = () => {};
  const ready = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const wakeAll = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  void (async () => {
    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.event === 'connected') connected();
        if (value.event === 'serialized-error') failure = new Error(`stream error: ${value.data}`);
        if (value.event === 'return' || value.event === 'serialized-error') break;
        if (value.event !== undefined || !value.data) continue;
        const parsed = JSON.parse(value.data) as never;
        items.push({ id: value.id || undefined, data: superjson.deserialize<T>(parsed) });
        wakeAll();
      }
      failure ??= new Error('stream ended');
    } catch (error) {
      failure ??= error as Error;
    }
    connected();
    wakeAll();
  })();
  await ready;
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 250));

  const next = async (timeoutMs = 5_000): Promise<SseItem<T>> => {
    const deadline = Date.now() + timeoutMs;
    while (items.length === 0) {
      if (failure) throw failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no item within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return items.shift()!;
  };
  return {
    next,
    async drain(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return items.splice(0);
    },
    close: () => controller.abort(),
  };
}
