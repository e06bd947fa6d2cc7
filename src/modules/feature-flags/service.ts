import type { Db, Tx } from '../../db/client.js';
import type { FeatureFlagRow } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { type AuditEntry, recordAudit } from '../audit/service.js';
import { type Actor, auditClient } from '../users/service.js';
import type { FeatureFlags } from './flags.js';
import * as repo from './repo.js';
import type { DeleteFlagInput, RemoveOverrideInput, SetFlagInput, SetOverrideInput } from './schema.js';

/** What the admin procedures need: the database, the audit log, and the cache to announce changes to. */
export interface FlagsAdminDeps {
  db: Db;
  log: Logger;
  flags: Pick<FeatureFlags, 'changed'>;
}

/** A flag as administrators see it (admin contract, `admin.flags.*`). */
export interface FlagDto {
  key: string;
  description: string;
  enabled: boolean;
  rolloutPercent: number;
  overrides: { userId: string; value: boolean }[];
  updatedAt: Date;
}

const toDto = (flag: repo.FlagWithOverrides): FlagDto => ({
  key: flag.key,
  description: flag.description,
  enabled: flag.enabled,
  rolloutPercent: flag.rolloutPercent,
  overrides: flag.overrides,
  updatedAt: flag.updatedAt,
});

/** What the audit trail keeps of a flag's state. */
const stateOf = (flag: FeatureFlagRow | null) =>
  flag && { description: flag.description, enabled: flag.enabled, rolloutPercent: flag.rolloutPercent };

/** `admin.flags.list`: every flag with its overrides, by key. */
export async function listFlags(deps: Pick<FlagsAdminDeps, 'db'>): Promise<{ flags: FlagDto[] }> {
  return { flags: (await repo.findFlagsWithOverrides(deps.db)).map(toDto) };
}

/**
 * `admin.flags.set`: creates the flag or updates it, audited (`feature_flag_changed`, before and after).
 * The change is announced to every instance once committed.
 */
export async function setFlag(deps: FlagsAdminDeps, admin: Actor, input: SetFlagInput): Promise<FlagDto> {
  const values = { ...input, updatedBy: admin.userId };
  return changeFlag(deps, input.key, async (tx) => {
    let before = await repo.lockFlag(tx, input.key);
    let after = before ? null : await repo.insertFlag(tx, values);
    // Created by someone else since we looked: update it, as if it had been there.
    if (!after) {
      before ??= await repo.lockFlag(tx, input.key);
      after = await repo.updateFlag(tx, values);
    }
    return {
      event: 'feature_flag_changed',
      severity: 'medium',
      actorUserId: admin.userId,
      target: input.key,
      ...auditClient(admin),
      details: { key: input.key, before: stateOf(before), after: stateOf(after) },
    };
  });
}

/**
 * `admin.flags.setOverride`: the user's own answer for the flag, whatever its rollout, audited
 * (`feature_flag_override_set`). NOT_FOUND for an unknown flag or user.
 */
export async function setOverride(
  deps: FlagsAdminDeps,
  admin: Actor,
  input: SetOverrideInput,
): Promise<FlagDto> {
  return changeFlag(deps, input.key, async (tx) => {
    await requireFlag(tx, input.key);
    if (!(await repo.userExists(tx, input.userId))) throw new AppError('NOT_FOUND', 'User not found');
    const before = await repo.findOverride(tx, input.key, input.userId);
    await repo.upsertOverride(tx, { flagKey: input.key, userId: input.userId, value: input.value });
    await repo.touchFlag(tx, input.key, admin.userId);
    return {
      event: 'feature_flag_override_set',
      severity: 'medium',
      actorUserId: admin.userId,
      target: input.userId,
      ...auditClient(admin),
      details: { key: input.key, before, after: input.value },
    };
  });
}

/**
 * `admin.flags.removeOverride`: the user follows the flag's rollout again, audited
 * (`feature_flag_override_removed`) when there was an override. NOT_FOUND for an unknown flag.
 */
export async function removeOverride(
  deps: FlagsAdminDeps,
  admin: Actor,
  input: RemoveOverrideInput,
): Promise<FlagDto> {
  return changeFlag(deps, input.key, async (tx) => {
    await requireFlag(tx, input.key);
    const before = await repo.deleteOverride(tx, input.key, input.userId);
    if (before === null) return null;
    await repo.touchFlag(tx, input.key, admin.userId);
    return {
      event: 'feature_flag_override_removed',
      severity: 'medium',
      actorUserId: admin.userId,
      target: input.userId,
      ...auditClient(admin),
      details: { key: input.key, before, after: null },
    };
  });
}

/**
 * `admin.flags.delete`: the flag and its overrides go, audited (`feature_flag_deleted`); from then on it
 * is off for everyone, as an unknown flag is. `deleted: false` when there was no such flag.
 */
export async function deleteFlag(
  deps: FlagsAdminDeps,
  admin: Actor,
  input: DeleteFlagInput,
): Promise<{ deleted: boolean }> {
  const deleted = await deps.db.transaction(async (tx) => {
    const before = await repo.deleteFlag(tx, input.key);
    if (!before) return false;
    await recordAudit(
      { db: tx, log: deps.log },
      {
        event: 'feature_flag_deleted',
        severity: 'medium',
        actorUserId: admin.userId,
        target: input.key,
        ...auditClient(admin),
        details: { key: input.key, before: stateOf(before), after: null },
      },
    );
    return true;
  });
  if (deleted) await deps.flags.changed(input.key);
  return { deleted };
}

async function requireFlag(tx: Tx, key: string): Promise<FeatureFlagRow> {
  const flag = await repo.lockFlag(tx, key);
  if (!flag) throw new AppError('NOT_FOUND', 'Feature flag not found');
  return flag;
}

/**
 * Runs a change in a transaction with its audit entry (none when `change` answers null: nothing
 * changed), announces it once committed, and answers the flag as it now is.
 */
async function changeFlag(
  deps: FlagsAdminDeps,
  key: string,
  change: (tx: Tx) => Promise<AuditEntry | null>,
): Promise<FlagDto> {
  const { flag, changed } = await deps.db.transaction(async (tx) => {
    const entry = await change(tx);
    if (entry) await recordAudit({ db: tx, log: deps.log }, entry);
    const [flag] = await repo.findFlagsWithOverrides(tx, key);
    return { flag: flag!, changed: entry !== null };
  });
  if (changed) await deps.flags.changed(key);
  return toDto(flag);
}
