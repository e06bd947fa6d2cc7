import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { storeSrsPreferences } from '../../../test/srs.js';
import { type PreferenceSrs, preferenceProfiles } from '../../db/schema/index.js';
import { srsPreferencesOf } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('srsPreferencesOf', () => {
  it('falls back to the default of each value outside the contract’s ranges', async () => {
    const user = await createUser(t);
    const stored = { newPerDay: 500, reviewCap: 'many', easeAdjPct: -5 } as unknown as PreferenceSrs;
    await storeSrsPreferences(t, user.user.id, stored);
    expect(await srsPreferencesOf(t.deps, user.user.id)).toEqual({
      newPerDay: 15,
      reviewCap: 80,
      easeAdjPct: -5,
    });
    // Not an object at all: every default.
    await t.deps.db
      .update(preferenceProfiles)
      .set({ srs: [] as unknown as PreferenceSrs })
      .where(eq(preferenceProfiles.userId, user.user.id));
    expect(await srsPreferencesOf(t.deps, user.user.id)).toEqual({
      newPerDay: 15,
      reviewCap: 80,
      easeAdjPct: 0,
    });
  });
});
