import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../../lib/store/types.js';
import type { TutorData } from './schema.js';

/**
 * The tutorData cache in the shared store, so every instance sees the same entries and counts.
 *
 * Documents are shared: an allowlisted URL fetched without credentials answers the same to everyone, so
 * one fetch serves every caller until the TTL ends. Each caller (a user, else a client address) has a view
 * of its own on top: the URLs it fetched (its statistics), the times it cleared its cache (entries fetched
 * before then are misses for it), and its hit and miss counters. No caller can see another's URLs or
 * clear anything but its own view.
 */

export interface CachedDocument {
  url: string;
  data: TutorData;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

export interface CallerView {
  /** URL → when the entry this caller got was fetched. */
  entries: Record<string, number>;
  /** When the caller last cleared everything. */
  clearedAt: number | null;
  /** URL → when the caller last cleared that URL. */
  cleared: Record<string, number>;
}

/** A view lists at most this many URLs (the most recent): the rate limit keeps real views far smaller. */
export const VIEW_MAX_ENTRIES = 50;
/** Hit and miss counters restart a day after their first count. */
export const COUNTER_TTL_MS = 24 * 60 * 60 * 1000;

const PREFIX = 'tutor-data';
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** Documents validated against the schema and raw ones never share an entry. */
const documentKey = (url: string, validated: boolean) =>
  `${PREFIX}:doc:${hash(`${validated ? 'v' : 'r'}:${url}`)}`;
const viewKey = (scope: string) => `${PREFIX}:view:${scope}`;
const counterKey = (scope: string, kind: 'hits' | 'misses') => `${PREFIX}:${kind}:${scope}`;
const bytesKey = (window: number) => `${PREFIX}:bytes:${window}`;

export const emptyView = (): CallerView => ({ entries: {}, clearedAt: null, cleared: {} });

/** The shared entry for a URL, or null (absent, expired or unreadable). Rejects when the store fails. */
export async function readDocument(
  kv: KeyValueStore,
  url: string,
  validated: boolean,
): Promise<CachedDocument | null> {
  const stored = await kv.get(documentKey(url, validated));
  if (stored === null) return null;
  const document = parseJson<CachedDocument>(stored);
  return document && document.url === url && typeof document.fetchedAt === 'number' ? document : null;
}

/**
 * Stores a document for `ttlMs` unless this window's byte budget is spent: documents written within one
 * TTL window count against `budgetBytes`, so live entries never hold more than twice the budget, however
 * many distinct URLs callers ask for. Returns whether it was stored. Rejects when the store fails.
 */
export async function writeDocument(
  kv: KeyValueStore,
  document: CachedDocument,
  validated: boolean,
  options: { ttlMs: number; budgetBytes: number },
): Promise<boolean> {
  const serialized = JSON.stringify(document);
  const size = Buffer.byteLength(serialized);
  const window = Math.floor(document.fetchedAt / options.ttlMs);
  const written = await kv.increment(bytesKey(window), size, 2 * options.ttlMs);
  if (written > options.budgetBytes) return false;
  await kv.set(documentKey(document.url, validated), serialized, options.ttlMs);
  return true;
}

/** The caller's view; an empty one when it has none. Rejects when the store fails. */
export async function readView(kv: KeyValueStore, scope: string): Promise<CallerView> {
  const stored = await kv.get(viewKey(scope));
  const view = stored === null ? null : parseJson<CallerView>(stored);
  if (!view || typeof view.entries !== 'object' || typeof view.cleared !== 'object') return emptyView();
  return view;
}

/**
 * Saves the caller's view for one TTL (every entry and clear mark in it is older than any document that
 * outlives it), keeping the newest VIEW_MAX_ENTRIES entries and only clear marks younger than the TTL.
 */
export async function writeView(
  kv: KeyValueStore,
  scope: string,
  view: CallerView,
  options: { ttlMs: number; now: number },
): Promise<void> {
  const live = ([, at]: [string, number]) => at + options.ttlMs > options.now;
  const entries = Object.entries(view.entries)
    .filter(live)
    .sort(([, a], [, b]) => b - a)
    .slice(0, VIEW_MAX_ENTRIES);
  const cleared = Object.entries(view.cleared)
    .filter(live)
    .sort(([, a], [, b]) => b - a)
    .slice(0, VIEW_MAX_ENTRIES);
  const trimmed: CallerView = {
    entries: Object.fromEntries(entries),
    clearedAt:
      view.clearedAt !== null && view.clearedAt + options.ttlMs > options.now ? view.clearedAt : null,
    cleared: Object.fromEntries(cleared),
  };
  await kv.set(viewKey(scope), JSON.stringify(trimmed), options.ttlMs);
}

/** Whether a shared document counts for this caller: fetched after the caller last cleared it. */
export function isFreshFor(view: CallerView, document: CachedDocument): boolean {
  const clearedAt = Math.max(view.clearedAt ?? 0, view.cleared[document.url] ?? 0);
  return document.fetchedAt > clearedAt;
}

/** Counts one cache lookup of the caller. Rejects when the store fails. */
export async function countLookup(kv: KeyValueStore, scope: string, hit: boolean): Promise<void> {
  await kv.increment(counterKey(scope, hit ? 'hits' : 'misses'), 1, COUNTER_TTL_MS);
}

/** The caller's hit and miss counts. Rejects when the store fails. */
export async function readCounters(
  kv: KeyValueStore,
  scope: string,
): Promise<{ hits: number; misses: number }> {
  const [hits, misses] = await Promise.all([
    kv.get(counterKey(scope, 'hits')),
    kv.get(counterKey(scope, 'misses')),
  ]);
  return { hits: Number(hits ?? 0), misses: Number(misses ?? 0) };
}

/** Whose view a caller is: the signed-in user, else the client address (hashed: the store keeps no IPs). */
export function scopeOf(caller: { userId: string | null; ip: string | null }): string {
  return caller.userId ? `user:${caller.userId}` : `ip:${hash(caller.ip ?? 'unknown').slice(0, 32)}`;
}

function parseJson<T>(text: string): T | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as T) : null;
  } catch {
    return null;
  }
}
