import { LRUCache } from 'lru-cache';

/**
 * An in-process, read-through memo for what changes only with a release: seeded content such as a lesson,
 * its exercises or the badge catalogue. Each key is loaded once per process (concurrent misses share the
 * load) and kept for `ttlMs`, so hot paths skip a database round trip. Callers put the content version in
 * the key; the TTL bounds how long a hand edit of the content goes unseen. Never for user data.
 */
export class Memo<V> {
  readonly #entries: LRUCache<string, { value: V }, () => Promise<V>>;

  constructor(options: { max: number; ttlMs: number }) {
    this.#entries = new LRUCache({
      max: options.max,
      ttl: options.ttlMs,
      fetchMethod: async (_key, _stale, { context: load }) => ({ value: await load() }),
    });
  }

  /** The value of `key`, loaded with `load` when this process has none. A failed load is not kept. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = await this.#entries.fetch(key, { context: load });
    return entry!.value;
  }
}
