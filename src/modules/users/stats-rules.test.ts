import { describe, expect, it } from 'vitest';
import { decideStatsUpdate, type StatsSnapshot } from './stats-rules.js';

const today = '2025-06-10';
const base: StatsSnapshot = {
  totalChats: 3,
  streakDays: 4,
  wordsLearned: 100,
  xpPoints: 1_000,
  messagesUsedToday: 2,
  lastActiveDate: '2025-06-09',
};
const fresh = { today, wordsAcceptedToday: 0 };

describe('decideStatsUpdate', () => {
  it('applies increases within the allowance and ignores equal values', () => {
    expect(
      decideStatsUpdate({ wordsLearned: 120, streakDays: 5, totalChats: 3, xpPoints: 1_000 }, base, fresh),
    ).toEqual({ apply: { wordsLearned: 120, streakDays: 5 }, wordsAccepted: 20, rejected: {} });
  });

  it('never raises XP: the server earns it', () => {
    expect(decideStatsUpdate({ xpPoints: 1_200 }, base, fresh)).toEqual({
      apply: {},
      wordsAccepted: 0,
      rejected: { xpPoints: { asked: 1_200, kept: 1_000, reason: 'server_counted' } },
    });
  });

  it('counts what the day already accepted against the allowance', () => {
    const decision = decideStatsUpdate({ wordsLearned: 200 }, base, { ...fresh, wordsAcceptedToday: 450 });
    expect(decision.rejected.wordsLearned).toEqual({ asked: 200, kept: 100, reason: 'above_daily_limit' });
    expect(
      decideStatsUpdate({ wordsLearned: 150 }, base, { ...fresh, wordsAcceptedToday: 450 }).wordsAccepted,
    ).toBe(50);
  });

  it('scales the allowance with days offline, up to a week', () => {
    const away = { ...base, lastActiveDate: '2025-05-01' };
    expect(decideStatsUpdate({ wordsLearned: 100 + 3_500 }, away, fresh).wordsAccepted).toBe(3_500);
    expect(decideStatsUpdate({ wordsLearned: 100 + 3_501 }, away, fresh).rejected.wordsLearned?.reason).toBe(
      'above_daily_limit',
    );
  });

  it('refuses decreases', () => {
    expect(decideStatsUpdate({ wordsLearned: 99 }, base, fresh).rejected.wordsLearned?.reason).toBe(
      'decrease',
    );
  });

  it('applies the streak rule: +1 after yesterday, restart at 1 after a gap, nothing else', () => {
    expect(decideStatsUpdate({ streakDays: 6 }, base, fresh).rejected.streakDays?.reason).toBe(
      'streak_not_consecutive',
    );
    const activeToday = { ...base, lastActiveDate: today };
    expect(decideStatsUpdate({ streakDays: 5 }, activeToday, fresh).rejected.streakDays?.reason).toBe(
      'streak_not_consecutive',
    );
    const gap = { ...base, lastActiveDate: '2025-06-07' };
    expect(decideStatsUpdate({ streakDays: 1 }, gap, fresh).apply).toEqual({ streakDays: 1 });
    expect(
      decideStatsUpdate({ streakDays: 1 }, { ...base, lastActiveDate: null, streakDays: 0 }, fresh).apply,
    ).toEqual({
      streakDays: 1,
    });
    expect(decideStatsUpdate({ streakDays: 1 }, base, fresh).rejected.streakDays?.reason).toBe('decrease');
  });

  it('never takes chat counters from the client', () => {
    const decision = decideStatsUpdate({ totalChats: 50, messagesUsedToday: 0 }, base, fresh);
    expect(decision.apply).toEqual({});
    expect(decision.rejected).toEqual({
      totalChats: { asked: 50, kept: 3, reason: 'server_counted' },
      messagesUsedToday: { asked: 0, kept: 2, reason: 'server_counted' },
    });
  });
});
