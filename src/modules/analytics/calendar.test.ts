import { describe, expect, it } from 'vitest';
import { currentRun, daysBefore, lastDays } from './calendar.js';

describe('lastDays', () => {
  it('spans whole local days, today included, across a DST change', () => {
    // Paris moved from UTC+2 to UTC+1 on 25 October 2026.
    const week = lastDays('Europe/Paris', new Date('2026-10-27T09:30:00Z'), 7);
    expect(week.dates).toEqual([
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
      '2026-10-27',
    ]);
    expect(week.since.toISOString()).toBe('2026-10-20T22:00:00.000Z');
    expect(week.until.toISOString()).toBe('2026-10-27T23:00:00.000Z');
  });

  it('follows the zone’s calendar, not UTC’s', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(lastDays('Pacific/Kiritimati', now, 1)).toEqual({
      since: new Date('2026-06-01T10:00:00Z'),
      until: new Date('2026-06-02T10:00:00Z'),
      dates: ['2026-06-02'],
    });
    expect(lastDays('UTC', now, 2).dates).toEqual(['2026-05-31', '2026-06-01']);
  });
});

describe('daysBefore', () => {
  it('is the same number of days just before a window', () => {
    const week = lastDays('America/New_York', new Date('2026-03-10T15:00:00Z'), 7);
    const before = daysBefore('America/New_York', week, 7);
    expect(before.dates).toEqual([
      '2026-02-25',
      '2026-02-26',
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
    ]);
    expect(before.until).toEqual(week.since);
    expect(before.since.toISOString()).toBe('2026-02-25T05:00:00.000Z');
  });
});

describe('currentRun', () => {
  const days = (...list: string[]) => new Set(list);

  it('counts back from today when today is active', () => {
    expect(currentRun(days('2026-05-10', '2026-05-09', '2026-05-08', '2026-05-06'), '2026-05-10')).toEqual([
      '2026-05-08',
      '2026-05-09',
      '2026-05-10',
    ]);
  });

  it('counts back from yesterday while today has no activity yet', () => {
    expect(currentRun(days('2026-05-09', '2026-05-08'), '2026-05-10')).toEqual(['2026-05-08', '2026-05-09']);
  });

  it('is empty when neither today nor yesterday was active', () => {
    expect(currentRun(days('2026-05-08', '2026-05-07'), '2026-05-10')).toEqual([]);
    expect(currentRun(days(), '2026-05-10')).toEqual([]);
  });

  it('runs across month and year ends', () => {
    expect(currentRun(days('2027-01-01', '2026-12-31', '2026-12-30'), '2027-01-01')).toHaveLength(3);
  });
});
