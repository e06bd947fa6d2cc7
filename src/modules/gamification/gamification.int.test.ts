import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { userBadges, xpEvents } from '../../db/schema/index.js';
import { type Activity, recordActivity } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const activity = (userId: string, amount: number, extra: Partial<Activity> = {}): Activity => ({
  userId,
  at: new Date(),
  timeZone: 'UTC',
  xp: [{ amount, source: 'lesson', refId: 'gamification-test' }],
  ...extra,
});

const record = (entry: Activity) => t.deps.db.transaction((tx) => recordActivity({ db: tx }, entry));

describe('badges and achievements at their thresholds', () => {
  it('awards an XP badge at exactly its threshold, once, and the badge-count badge it brings', async () => {
    const { user } = await createUser(t);
    const below = await record(activity(user.id, 499));
    expect(below.unlocked.badges.map((badge) => badge.id)).not.toContain('xp_500');
    const at = await record(activity(user.id, 1));
    expect(at.unlocked.badges.map((badge) => badge.id)).toEqual(
      expect.arrayContaining(['xp_500', 'badges_1']),
    );
    const again = await record(activity(user.id, 1));
    expect(again.unlocked.badges.map((badge) => badge.id)).not.toContain('xp_500');
    const held = await t.deps.db.select().from(userBadges).where(eq(userBadges.userId, user.id));
    expect(held.filter((badge) => badge.badgeId === 'xp_500')).toHaveLength(1);
  });

  it('pays an achievement’s XP into the ledger, which can unlock the next one in the same activity', async () => {
    const { user } = await createUser(t);
    // 990 XP plus first_lesson's 25 crosses 1,000: xp_1000 unlocks in the same activity, and pays 100.
    const outcome = await record(activity(user.id, 990, { lessonsCompleted: 1, language: 'it' }));
    const ids = outcome.unlocked.achievements.map((achievement) => achievement.id);
    expect(ids).toEqual(expect.arrayContaining(['first_lesson', 'xp_1000']));
    expect(outcome.totals.xp).toBe(990 + 25 + 100);
    const ledger = await t.deps.db.select().from(xpEvents).where(eq(xpEvents.userId, user.id));
    expect(ledger.reduce((sum, entry) => sum + entry.amount, 0)).toBe(outcome.totals.xp);
    expect(outcome.unlocked.badges.map((badge) => badge.id)).toContain('lang_flag_it');
    expect(outcome.totals).toMatchObject({ level: 12, league: 'Silver', lessonsCompleted: 1, streakDays: 1 });
  });

  it('refuses an unknown user with NOT_FOUND', async () => {
    await expect(record(activity('00000000-0000-4000-8000-000000000000', 5))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
