import { StoreUnavailableError } from '../lib/store/availability.js';
import type { LiveMessage, RealtimeHub, UserSignal } from './hub.js';
import type { EventStreams, StreamEntry } from './streams.js';

export interface UserFeedDeps {
  hub: Pick<RealtimeHub, 'onUser'>;
  eventStreams: EventStreams;
}

/** What a user's feed yields: an entry of their stream, or a live message (only when asked for). */
export type FeedItem = { kind: 'entry'; entry: StreamEntry } | { kind: 'live'; message: LiveMessage };

/** Entries read from the stream at a time. */
const READ_BATCH = 100;
/**
 * A subscriber rereads its stream this often even without a wake-up: pub/sub is at most once (a Redis
 * reconnect drops messages), and the stream is the truth.
 */
const RECHECK_MS = 15_000;
/**
 * How long a feed that has started rides out a lost store (a Redis restart, a failover) before it ends
 * with SERVICE_UNAVAILABLE. tRPC clients do not resubscribe after an error, so ending a live feed on a
 * blip would silence it until the app restarts it; a feed that cannot start still fails at once.
 */
const OUTAGE_PATIENCE_MS = 15_000;
const OUTAGE_RETRY_MS = { first: 100, max: 2_000 };

/**
 * A user's events, live: first what they missed after `lastEventId` (their stream after that id), then
 * each entry as the relay appends it, woken over pub/sub. Without `lastEventId` it starts at the stream's
 * end. The cursor only moves forward over the stream, so nothing is sent twice or skipped across
 * reconnects while the stream still holds the entries (EVENTS_STREAM_MAX_LENGTH / _MAX_AGE_HOURS).
 * Ends when `signal` aborts; the in-process listener is removed (the instance's one Redis subscription
 * stays).
 */
export async function* userFeed(
  deps: UserFeedDeps,
  userId: string,
  options: { lastEventId?: string | null; signal?: AbortSignal; live?: boolean },
): AsyncGenerator<FeedItem> {
  const { signal } = options;
  const liveMessages: LiveMessage[] = [];
  let pending = false;
  let notify: (() => void) | undefined;
  const onSignal = (message: UserSignal) => {
    if (message.kind === 'wake') pending = true;
    else if (options.live) liveMessages.push(message);
    else return;
    notify?.();
  };
  // Listen before reading the cursor, so an entry appended in between wakes this subscriber.
  const stop = await deps.hub.onUser(userId, onSignal);
  const onAbort = () => notify?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let cursor = options.lastEventId ?? (await deps.eventStreams.lastId(userId));
    let started = false;
    while (!signal?.aborted) {
      while (liveMessages.length > 0) yield { kind: 'live', message: liveMessages.shift()! };
      pending = false;
      const entries = started
        ? await readThroughOutage(deps.eventStreams, userId, cursor, signal)
        : await deps.eventStreams.readAfter(userId, cursor, READ_BATCH);
      started = true;
      for (const entry of entries) {
        if (signal?.aborted) return;
        cursor = entry.id;
        yield { kind: 'entry', entry };
      }
      if (entries.length === READ_BATCH || pending || liveMessages.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RECHECK_MS);
        notify = () => {
          clearTimeout(timer);
          resolve();
        };
        if (signal?.aborted) notify();
      });
      notify = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop();
  }
}

/** Reads the stream after `cursor`, retrying with backoff while the store is lost, up to the patience. */
async function readThroughOutage(
  streams: EventStreams,
  userId: string,
  cursor: string,
  signal: AbortSignal | undefined,
): Promise<StreamEntry[]> {
  const giveUpAt = Date.now() + OUTAGE_PATIENCE_MS;
  for (let delay = OUTAGE_RETRY_MS.first; ; delay = Math.min(delay * 2, OUTAGE_RETRY_MS.max)) {
    try {
      return await streams.readAfter(userId, cursor, READ_BATCH);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || signal?.aborted || Date.now() + delay > giveUpAt)
        throw error;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
      if (signal?.aborted) return [];
    }
  }
}
