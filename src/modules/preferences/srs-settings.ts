import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { type PreferenceSrs, preferenceProfiles } from '../../db/schema/index.js';

/**
 * The `srs` section of a learner's preference profile (api-contract §3.9), with the onboarding mapper's
 * defaults (15 new cards and 80 reviews a day, no ease adjustment) for learners without a profile.
 */
export const DEFAULT_SRS_PREFERENCES: PreferenceSrs = { newPerDay: 15, reviewCap: 80, easeAdjPct: 0 };

// The stored jsonb was checked by preferences.upsert; a value outside the contract's ranges (an older
// profile, a hand edit) falls back to its default rather than breaking the review queue.
const storedSrs = z.object({
  newPerDay: z.number().int().min(5).max(50).catch(DEFAULT_SRS_PREFERENCES.newPerDay),
  reviewCap: z.number().int().min(20).max(300).catch(DEFAULT_SRS_PREFERENCES.reviewCap),
  easeAdjPct: z.number().min(-20).max(20).catch(DEFAULT_SRS_PREFERENCES.easeAdjPct),
});

/**
 * The learner's spaced-repetition preferences: `newPerDay` and `reviewCap` bound the daily review queue,
 * `easeAdjPct` nudges the scheduler's requested retention (srs/scheduler.ts). Defaults when the learner has
 * no preference profile. Throws nothing of its own.
 */
export async function srsPreferencesOf(deps: { db: Db | Tx }, userId: string): Promise<PreferenceSrs> {
  // The one query of this reader; the preferences module's repo is its home once the modules meet.
  const [row] = await deps.db
    .select({ srs: preferenceProfiles.srs })
    .from(preferenceProfiles)
    .where(eq(preferenceProfiles.userId, userId))
    .limit(1);
  if (!row) return { ...DEFAULT_SRS_PREFERENCES };
  const parsed = storedSrs.safeParse(row.srs);
  return parsed.success ? parsed.data : { ...DEFAULT_SRS_PREFERENCES };
}
