import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import type { PreferenceProfileRow, PreferenceSrs } from '../../db/schema/index.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { AppError } from '../../lib/errors.js';
import * as repo from './repo.js';
import type {
  PreferenceProfile,
  PreferencesDto,
  PreferencesRecord,
  UpsertPreferencesInput,
} from './schema.js';

/** What the preferences module needs. */
export interface PreferencesDeps {
  db: Db;
}

/** The SRS settings of someone who has no profile: the app's onboarding mapper's default row (§3.9). */
export const DEFAULT_SRS_PREFERENCES: Readonly<PreferenceSrs> = Object.freeze({
  newPerDay: 15,
  reviewCap: 80,
  easeAdjPct: 0,
});

/** The ETag of a profile: SHA-256 hex of its canonical JSON, so equal profiles always share one. */
export function etagOf(profile: PreferenceProfile): string {
  return createHash('sha256').update(canonicalJson(profile)).digest('hex');
}

/** `preferences.get`: the caller's stored profile with its ETag, or nulls when there is none. */
export async function getPreferences(deps: PreferencesDeps, userId: string): Promise<PreferencesDto> {
  const row = await repo.findProfile(deps.db, userId);
  return row ? recordOf(row) : { profile: null, etag: null };
}

/**
 * `preferences.upsert`: stores the caller's profile and answers it with its new ETag. With `ifMatch`, the
 * write is a compare-and-set: CONFLICT, and nothing written, when the stored ETag is not `ifMatch` or
 * there is no stored profile (of concurrent writes with the same `ifMatch`, exactly one succeeds).
 */
export async function upsertPreferences(
  deps: PreferencesDeps,
  userId: string,
  input: UpsertPreferencesInput,
): Promise<PreferencesRecord> {
  const { profile, ifMatch } = input;
  const values = {
    version: profile.version,
    personas: profile.personas,
    srs: profile.srs,
    lessonPlan: profile.lessonPlan,
    speech: profile.speech,
    notifications: profile.notifications,
    accessibility: profile.accessibility,
    // Explicit nulls: a replaced profile that no longer has them must not keep the old values.
    script: profile.script ?? null,
    dialect: profile.dialect ?? null,
    etag: etagOf(profile),
  };
  const row =
    ifMatch === undefined || ifMatch === null
      ? await repo.upsertProfile(deps.db, userId, values)
      : await repo.replaceProfileIf(deps.db, userId, ifMatch, values);
  if (!row) {
    const message = 'The preferences have changed since they were read; read them again';
    throw new AppError('CONFLICT', message, {
      issues: [{ path: 'ifMatch', message, code: 'ETAG_MISMATCH' }],
    });
  }
  return recordOf(row);
}

// The stored jsonb was checked by preferences.upsert; a value outside the contract's ranges (an older
// profile, a hand edit) falls back to its default rather than breaking the review queue.
const storedSrs = z.object({
  newPerDay: z.number().int().min(5).max(50).catch(DEFAULT_SRS_PREFERENCES.newPerDay),
  reviewCap: z.number().int().min(20).max(300).catch(DEFAULT_SRS_PREFERENCES.reviewCap),
  easeAdjPct: z.number().min(-20).max(20).catch(DEFAULT_SRS_PREFERENCES.easeAdjPct),
});

/**
 * The SRS settings (cards a day, review cap, ease adjustment) of a user: their profile's, or the defaults
 * when they have none. For the SRS module, which schedules with them.
 */
export async function srsPreferencesOf(deps: { db: Db | Tx }, userId: string): Promise<PreferenceSrs> {
  const row = await repo.findProfile(deps.db, userId);
  const parsed = storedSrs.safeParse(row?.srs);
  return row && parsed.success ? parsed.data : { ...DEFAULT_SRS_PREFERENCES };
}

function recordOf(row: PreferenceProfileRow): PreferencesRecord {
  const profile: PreferenceProfile = {
    version: 1,
    personas: row.personas,
    srs: row.srs,
    lessonPlan: row.lessonPlan,
    speech: row.speech,
    notifications: row.notifications,
    accessibility: row.accessibility,
    ...(row.script !== null && { script: row.script }),
    ...(row.dialect !== null && { dialect: row.dialect }),
  };
  return { etag: row.etag, profile, updatedAt: row.updatedAt.toISOString() };
}
