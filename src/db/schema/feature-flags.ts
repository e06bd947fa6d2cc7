import { boolean, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../columns.js';
import { intRule, patternRule, ruleChecks, textRule } from '../rules.js';
import { userIdRef, users } from './users.js';

/** A flag key: lower case, starting with a letter, 2 to 64 characters of letters, digits, `_`, `.`, `-`. */
export const FLAG_KEY_PATTERN = /^[a-z][a-z0-9_.-]{1,63}$/;

/** What admin inputs may write: the checks below and the Zod inputs (modules/feature-flags) share them. */
export const FEATURE_FLAG_RULES = {
  key: patternRule(FLAG_KEY_PATTERN, 64, 'lower-case letters, digits, _ . - (2-64), starting with a letter'),
  description: textRule(0, 500),
  rolloutPercent: intRule(0, 100),
} as const;

/**
 * Feature flags (modules/feature-flags): a flag is on for a user when an override says so, else when it is
 * enabled and the user falls within `rollout_percent`. The whole table is read into every instance's
 * memory, so it stays small: tens of flags, not thousands.
 */
export const featureFlags = pgTable(
  'feature_flags',
  {
    key: text('key').primaryKey(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(false),
    rolloutPercent: integer('rollout_percent').notNull().default(100),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** The administrator who last changed it; null once their account is erased. */
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    ...ruleChecks(
      'feature_flags',
      { key: t.key, description: t.description, rolloutPercent: t.rolloutPercent },
      FEATURE_FLAG_RULES,
    ),
    index('feature_flags_updated_by_idx').on(t.updatedBy),
  ],
);

/** A user's own answer for a flag, whatever its rollout says. Goes with the flag and with the user. */
export const featureFlagOverrides = pgTable(
  'feature_flag_overrides',
  {
    flagKey: text('flag_key')
      .notNull()
      .references(() => featureFlags.key, { onDelete: 'cascade', onUpdate: 'cascade' }),
    userId: userIdRef(),
    value: boolean('value').notNull(),
    createdAt: createdAt(),
  },
  // The primary key leads with flag_key, which also serves its foreign key; user_id has its own index.
  (t) => [
    primaryKey({ columns: [t.flagKey, t.userId] }),
    index('feature_flag_overrides_user_id_idx').on(t.userId),
  ],
);

export type FeatureFlagRow = typeof featureFlags.$inferSelect;
export type FeatureFlagOverrideRow = typeof featureFlagOverrides.$inferSelect;
