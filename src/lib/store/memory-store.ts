import { EventEmitter } from 'node:events';
import { ALWAYS_UP } from './availability.js';
import { MemoryRankingStore } from './memory-rankings.js';
import type { KeyValueStore, MessageHandler, PubSub, SharedStore } from './types.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** In-process key-value store with TTLs, for the embedded single-instance mode and for tests without Redis. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    sweepIntervalMs = 30_000,
  ) {
    // Expired keys are dropped on read; the sweep bounds memory for keys nobody reads again.
    this.#sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.#sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? null : this.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    const entry = this.#live(key);
    if (!entry) {
      this.#entries.set(key, { value: String(by), expiresAt: this.now() + ttlMs });
      return by;
    }
    const next = Number(entry.value) + by;
    entry.value = String(next);
    return next;
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.#live(key);
    return entry?.expiresAt == null ? null : entry.expiresAt - this.now();
  }

  async ping(): Promise<void> {}

  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** In-process pub/sub: reaches subscribers of this process only, which is all there is in embedded mode. */
export class MemoryPubSub implements PubSub {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: string): Promise<void> {
    // Deliver asynchronously, as Redis would, so publishers never run subscriber code inline.
    queueMicrotask(() => this.#emitter.emit(channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.#emitter.on(channel, handler);
    return async () => {
      this.#emitter.off(channel, handler);
    };
  }

  close(): void {
    this.#emitter.removeAllListeners();
  }
}

export function createMemoryStore(): SharedStore {
  const kv = new MemoryKeyValueStore();
  const pubsub = new MemoryPubSub();
  const rankings = new MemoryRankingStore();
  return {
    kv,
    pubsub,
    rankings,
    availability: ALWAYS_UP,
    async close() {
      kv.close();
      pubsub.close();
      rankings.clear();
    },
  };
}
