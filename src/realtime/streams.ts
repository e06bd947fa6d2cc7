import type { Redis } from 'ioredis';
import type { UserEventType } from '../db/schema/events.js';
import { guarded } from '../lib/store/redis-guard.js';

/** An event as subscribers receive it: the outbox row's id, type, payload and time. */
export interface StoredEvent {
  /** The outbox id: stable across retries, for a client that wants to dedupe by identity. */
  id: number;
  type: UserEventType;
  data: Record<string, unknown>;
  at: string;
}

/** An entry of a user's stream: its stream id (the resume cursor, `lastEventId`) and the event. */
export interface StreamEntry {
  id: string;
  event: StoredEvent;
}

export interface StreamLimits {
  /** Entries kept per user (approximately with Redis, which trims whole nodes). */
  maxLength: number;
  /** Entries older than this are trimmed, and a stream idle this long expires. */
  maxAgeMs: number;
}

/**
 * Every user's stream of events, appended to by the relay only. Stream ids (`<ms>-<seq>`) grow in the
 * order entries were appended, whatever the outbox ids: rows commit out of id order, and a cursor must
 * never skip one that committed late. Appending is idempotent by outbox id, so a relay that crashed
 * after appending and before stamping the rows appends nothing twice when another retries them.
 */
export interface EventStreams {
  append(userId: string, events: readonly StoredEvent[]): Promise<void>;
  /** Entries after `afterId` (exclusive), oldest first, at most `count`. */
  readAfter(userId: string, afterId: string, count: number): Promise<StreamEntry[]>;
  /** The id of the user's newest entry, `0-0` when there is none: where a new subscriber starts. */
  lastId(userId: string): Promise<string>;
}

/** `<ms>-<seq>`, as Redis writes stream ids. */
export const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

const streamKey = (userId: string) => `ev:{${userId}}`;
const seenKey = (userId: string) => `ev:{${userId}}:seen`;

/**
 * Appends one user's events: each once (the `seen` set remembers the outbox ids appended lately), with
 * Redis's own ids, trimmed by length (MAXLEN ~: whole nodes, so up to a node's 100 entries more) and by
 * age (MINID, exactly: an old entry is rarely more than one), and both keys expiring when idle.
 */
const APPEND = `
local maxlen, minid, ttl = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV, 2 do
  if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'o', ARGV[i], 'e', ARGV[i + 1])
    redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i])
  end
end
redis.call('XTRIM', KEYS[1], 'MINID', minid)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(maxlen) + 1))
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 0`;

type RedisWithAppend = Redis & {
  appendUserEvents(streamKey: string, seenKey: string, ...args: (string | number)[]): Promise<number>;
};

/** The streams in Redis: XADD through one script per user, XRANGE to read. */
export function createRedisEventStreams(redis: Redis, limits: StreamLimits): EventStreams {
  const client = redis as RedisWithAppend;
  if (typeof client.appendUserEvents !== 'function')
    redis.defineCommand('appendUserEvents', { numberOfKeys: 2, lua: APPEND });
  return {
    async append(userId, events) {
      if (events.length === 0) return;
      const args: (string | number)[] = [limits.maxLength, Date.now() - limits.maxAgeMs, limits.maxAgeMs];
      for (const event of events) args.push(event.id, JSON.stringify(event));
      await guarded(redis, () => client.appendUserEvents(streamKey(userId), seenKey(userId), ...args));
    },
    // Without Redis a reader gets StoreUnavailableError: a subscription starting then ends with a typed 503
    // and its Retry-After; one already live retries for a while first (realtime/subscribe.ts).
    async readAfter(userId, afterId, count) {
      const rows = await guarded(redis, () =>
        redis.xrange(streamKey(userId), `(${afterId}`, '+', 'COUNT', count),
      );
      return rows.map(([id, fields]) => ({ id, event: JSON.parse(fieldOf(fields, 'e')) as StoredEvent }));
    },
    async lastId(userId) {
      const [last] = await guarded(redis, () => redis.xrevrange(streamKey(userId), '+', '-', 'COUNT', 1));
      return last?.[0] ?? '0-0';
    },
  };
}

function fieldOf(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}

interface MemoryStream {
  entries: StreamEntry[];
  seen: Set<number>;
  lastMs: number;
  lastSeq: number;
  expiresAt: number;
}

/** The streams in process (embedded mode): the same ids, caps and idempotence as the Redis ones. */
export function createMemoryEventStreams(limits: StreamLimits, now: () => number = Date.now): EventStreams {
  const streams = new Map<string, MemoryStream>();
  const live = (userId: string) => {
    const stream = streams.get(userId);
    if (stream && stream.expiresAt <= now()) {
      streams.delete(userId);
      return undefined;
    }
    return stream;
  };
  return {
    async append(userId, events) {
      if (events.length === 0) return;
      const at = now();
      const stream = live(userId) ?? { entries: [], seen: new Set(), lastMs: 0, lastSeq: -1, expiresAt: 0 };
      streams.set(userId, stream);
      for (const event of events) {
        if (stream.seen.has(event.id)) continue;
        if (at > stream.lastMs) {
          stream.lastMs = at;
          stream.lastSeq = 0;
        } else stream.lastSeq += 1;
        stream.entries.push({ id: `${stream.lastMs}-${stream.lastSeq}`, event });
        stream.seen.add(event.id);
      }
      const oldest = at - limits.maxAgeMs;
      stream.entries = stream.entries
        .slice(-limits.maxLength)
        .filter((entry) => parseId(entry.id)[0] >= oldest);
      if (stream.seen.size > limits.maxLength)
        stream.seen = new Set([...stream.seen].sort((a, b) => a - b).slice(-limits.maxLength));
      stream.expiresAt = at + limits.maxAgeMs;
    },
    async readAfter(userId, afterId, count) {
      const after = parseId(afterId);
      const entries = live(userId)?.entries ?? [];
      return entries.filter((entry) => compareIds(parseId(entry.id), after) > 0).slice(0, count);
    },
    async lastId(userId) {
      return live(userId)?.entries.at(-1)?.id ?? '0-0';
    },
  };
}

function parseId(id: string): [number, number] {
  const [ms, seq] = id.split('-');
  return [Number(ms), Number(seq)];
}

const compareIds = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
