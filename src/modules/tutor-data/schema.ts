import { z } from 'zod';

/** A URL as the contract takes it; which URLs may actually be fetched is the fetcher's rule. */
export const tutorDataUrl = z.url().max(2048);

const fetchOptionsShape = {
  useCache: z.boolean().default(true),
  /** Milliseconds; the contract's range, capped at TUTOR_DATA_TIMEOUT_MS when fetching. */
  timeout: z.number().min(1_000).max(120_000).default(30_000),
  validate: z.boolean().default(true),
};

/** `tutorData.fetch` (api-contract §3.12). `options` may be left out or sent as undefined. */
export const fetchInput = z.object({
  url: tutorDataUrl,
  options: z.object(fetchOptionsShape).prefault({}),
});
export type FetchInput = z.output<typeof fetchInput>;
export type FetchOptions = FetchInput['options'];

export const fetchMultipleInput = z.object({
  urls: z.array(tutorDataUrl).min(1).max(10),
  options: z
    .object({ ...fetchOptionsShape, concurrency: z.number().int().min(1).max(5).default(3) })
    .prefault({}),
});
export type FetchMultipleInput = z.output<typeof fetchMultipleInput>;

/** No URL clears every entry of the caller's cache. */
export const clearCacheInput = z.object({ url: tutorDataUrl.optional() }).prefault({});
export type ClearCacheInput = z.output<typeof clearCacheInput>;

/** The TutorData document a JSON source must serve when `validate` is on (api-contract §3.12). */
export const tutorDataSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  language: z.string(),
  level: z.string(),
  contentType: z.enum(['json', 'html', 'text']).default('json'),
  rawContent: z.string().optional(),
  content: z
    .object({
      lessons: z
        .array(
          z.object({
            id: z.string(),
            title: z.string(),
            content: z.string(),
            exercises: z.array(z.unknown()).optional(),
          }),
        )
        .optional(),
      vocabulary: z
        .array(z.object({ word: z.string(), translation: z.string(), pronunciation: z.string().optional() }))
        .optional(),
      conversations: z
        .array(
          z.object({
            id: z.string(),
            scenario: z.string(),
            dialogue: z.array(z.object({ speaker: z.string(), text: z.string() })),
          }),
        )
        .optional(),
    })
    .optional(),
  metadata: z
    .object({
      createdAt: z.string().optional(),
      updatedAt: z.string().optional(),
      version: z.string().optional(),
      author: z.string().optional(),
      sourceUrl: z.string().optional(),
      contentType: z.string().optional(),
      contentLength: z.number().optional(),
    })
    .optional(),
});
export type TutorData = z.output<typeof tutorDataSchema>;

/** A Zod issue as the contract's `validationErrors` carry it. */
export interface ValidationIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

export type TutorDataError =
  | { type: 'fetch_error'; message: string; status?: number; url?: string }
  | { type: 'validation_error'; message: string; validationErrors: ValidationIssue[] }
  | { type: 'unknown_error'; message: string };

/** Wire shapes of api-contract §3.12: every failure is a value, never a thrown error. */
export type FetchResult =
  | { success: true; data: TutorData; url: string; timestamp: string }
  | { success: false; error: TutorDataError; data: null };

export interface BatchItem {
  url: string;
  data: TutorData | null;
  /** An `Error` (superjson carries its name and message, never a stack). */
  error: Error | null;
}

export type FetchMultipleResult =
  | {
      success: true;
      results: BatchItem[];
      timestamp: string;
      summary: { total: number; successful: number; failed: number };
    }
  | { success: false; error: { type: 'batch_error'; message: string }; results: [] };

export type ClearCacheResult =
  | { success: true; message: string; timestamp: string }
  | { success: false; error: { type: 'cache_error'; message: string } };

/** The caller's view of the cache: live entries it fetched, and its lookups (hits, misses) of the day. */
export interface CacheStats {
  size: number;
  urls: string[];
  /** When the oldest live entry was fetched (ms since the epoch); absent when there is none. */
  oldestEntry?: number;
  hits: number;
  misses: number;
}

export type CacheStatsResult =
  | { success: true; stats: CacheStats; timestamp: string }
  | { success: false; error: { type: 'stats_error'; message: string }; stats: null };
