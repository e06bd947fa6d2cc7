import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../lib/store/memory-store.js';
import {
  type CachedDocument,
  emptyView,
  isFreshFor,
  readDocument,
  readView,
  scopeOf,
  VIEW_MAX_ENTRIES,
  writeDocument,
  writeView,
} from './cache.js';

const store = createMemoryStore();
afterAll(() => store.close());

const LESSON = { id: 'l', title: 't', language: 'es', level: 'a1', contentType: 'json' as const };
let documents = 0;
const documentAt = (fetchedAt: number): CachedDocument => ({
  url: `https://api.tutor.example/${++documents}`,
  data: LESSON,
  fetchedAt,
});

describe('tutor data cache', () => {
  it('keeps validated and raw documents apart, and expires them with the TTL', async () => {
    const document = documentAt(Date.now());
    expect(await writeDocument(store.kv, document, true, { ttlMs: 60_000, budgetBytes: 1_000_000 })).toBe(
      true,
    );
    expect(await readDocument(store.kv, document.url, true)).toEqual(document);
    expect(await readDocument(store.kv, document.url, false)).toBeNull();
  });

  it('stops caching once a TTL window has written its byte budget', async () => {
    const ttlMs = 3_600_000;
    // A window of its own: the start of an hour far from now.
    const start = Math.ceil(Date.now() / ttlMs) * ttlMs + 100 * ttlMs;
    const size = Buffer.byteLength(JSON.stringify(documentAt(start)));
    const options = { ttlMs, budgetBytes: size * 2 + 10 };
    const written = [];
    for (let index = 0; index < 3; index++) {
      const document = documentAt(start + index);
      written.push(await writeDocument(store.kv, document, true, options));
    }
    expect(written).toEqual([true, true, false]);
    // The next window has a budget of its own.
    expect(await writeDocument(store.kv, documentAt(start + ttlMs), true, options)).toBe(true);
  });

  it('keeps the newest entries of a view and drops what has expired', async () => {
    const now = Date.now();
    const view = emptyView();
    for (let index = 0; index < VIEW_MAX_ENTRIES + 5; index++)
      view.entries[`https://a.example/${index}`] = now - index;
    view.entries['https://a.example/old'] = now - 120_000;
    view.cleared['https://a.example/old'] = now - 120_000;
    view.clearedAt = now - 120_000;
    await writeView(store.kv, 'test-scope', view, { ttlMs: 60_000, now });

    const stored = await readView(store.kv, 'test-scope');
    expect(Object.keys(stored.entries)).toHaveLength(VIEW_MAX_ENTRIES);
    expect(stored.entries['https://a.example/0']).toBe(now);
    expect(stored.entries).not.toHaveProperty(`https://a.example/${VIEW_MAX_ENTRIES}`);
    expect(stored).toMatchObject({ clearedAt: null, cleared: {} });
    expect(await readView(store.kv, 'no-such-scope')).toEqual(emptyView());
  });

  it('counts a document for a caller only when fetched after the caller cleared it', () => {
    const document = documentAt(1_000);
    expect(isFreshFor(emptyView(), document)).toBe(true);
    expect(isFreshFor({ ...emptyView(), clearedAt: 1_000 }, document)).toBe(false);
    expect(isFreshFor({ ...emptyView(), cleared: { [document.url]: 999 } }, document)).toBe(true);
    expect(isFreshFor({ ...emptyView(), cleared: { [document.url]: 1_001 } }, document)).toBe(false);
  });

  it('reads unreadable entries as absent', async () => {
    await store.kv.set('tutor-data:view:broken', 'not json');
    expect(await readView(store.kv, 'broken')).toEqual(emptyView());
  });

  it('scopes by user, else by a hash of the address', () => {
    expect(scopeOf({ userId: 'u1', ip: '10.0.0.1' })).toBe('user:u1');
    expect(scopeOf({ userId: null, ip: '10.0.0.1' })).toMatch(/^ip:[0-9a-f]{32}$/);
    expect(scopeOf({ userId: null, ip: '10.0.0.1' })).not.toContain('10.0.0.1');
    expect(scopeOf({ userId: null, ip: '10.0.0.2' })).not.toBe(scopeOf({ userId: null, ip: '10.0.0.1' }));
  });
});
