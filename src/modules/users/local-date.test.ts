import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  isValidTimeZone,
  localDate,
  resolveTimeZone,
  startOfLocalDay,
} from './local-date.js';

describe('local dates', () => {
  const instant = new Date('2025-03-10T20:30:00Z');

  it('reads the calendar date in the given zone, on both sides of the date line', () => {
    expect(localDate('UTC', instant)).toBe('2025-03-10');
    expect(localDate('Pacific/Kiritimati', instant)).toBe('2025-03-11');
    expect(localDate('Pacific/Pago_Pago', new Date('2025-03-10T05:00:00Z'))).toBe('2025-03-09');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(resolveTimeZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(resolveTimeZone(null)).toBe('UTC');
    expect(resolveTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });

  it('does date arithmetic across months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-12-30', '2025-01-02')).toBe(3);
    expect(daysBetween('2025-01-02', '2024-12-30')).toBe(-3);
  });

  it('finds the instant local midnight happened', () => {
    expect(startOfLocalDay('UTC', instant).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(startOfLocalDay('Pacific/Kiritimati', instant).toISOString()).toBe('2025-03-10T10:00:00.000Z');
    // 2025-03-09 is the US spring-forward day: midnight was still PST (UTC-8), the evening is PDT.
    expect(startOfLocalDay('America/Los_Angeles', new Date('2025-03-10T05:00:00Z')).toISOString()).toBe(
      '2025-03-09T08:00:00.000Z',
    );
    expect(startOfLocalDay('America/Los_Angeles', instant).toISOString()).toBe('2025-03-10T07:00:00.000Z');
  });

  it('starts a day whose midnight was skipped at its first valid instant', () => {
    // Santiago sprang forward at 2024-09-08 00:00 local (UTC-4 -> UTC-3): the day began at 01:00 = 04:00Z.
    expect(startOfLocalDay('America/Santiago', new Date('2024-09-08T15:00:00Z')).toISOString()).toBe(
      '2024-09-08T04:00:00.000Z',
    );
  });
});
