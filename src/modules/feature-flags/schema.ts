import { z } from 'zod';
import { boundedInt, boundedText, patternText } from '../../db/rules.js';
import { FEATURE_FLAG_RULES, featureFlags } from '../../db/schema/index.js';

/** A flag key as stored: `^[a-z][a-z0-9_.-]{1,63}$` (the column's check is built from the same rule). */
export const flagKey = patternText(FEATURE_FLAG_RULES.key, featureFlags.key);

export const setFlagInput = z.object({
  key: flagKey,
  /** Left out on an update, the description stays as it is. */
  description: boundedText(FEATURE_FLAG_RULES.description, featureFlags.description).optional(),
  enabled: z.boolean(),
  rolloutPercent: boundedInt(FEATURE_FLAG_RULES.rolloutPercent, featureFlags.rolloutPercent),
});
export type SetFlagInput = z.infer<typeof setFlagInput>;

export const setOverrideInput = z.object({ key: flagKey, userId: z.uuid(), value: z.boolean() });
export type SetOverrideInput = z.infer<typeof setOverrideInput>;

export const removeOverrideInput = z.object({ key: flagKey, userId: z.uuid() });
export type RemoveOverrideInput = z.infer<typeof removeOverrideInput>;

export const deleteFlagInput = z.object({ key: flagKey });
export type DeleteFlagInput = z.infer<typeof deleteFlagInput>;
