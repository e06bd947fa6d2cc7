import { z } from 'zod';

/** The longest range a report covers, in days (both ends included). */
export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** Every report's input: UTC days `YYYY-MM-DD`, `from <= to`, at most MAX_REPORT_DAYS days. */
export const reportRangeInput = z
  .object({ from: z.iso.date(), to: z.iso.date() })
  .refine((range) => range.from <= range.to, { message: 'from must not be after to', path: ['from'] })
  .refine((range) => daysBetween(range.from, range.to) <= MAX_REPORT_DAYS, {
    message: `a report covers at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });
export type ReportRange = z.infer<typeof reportRangeInput>;

/** XP earned within the range: the distribution's fixed buckets (`max` null: no upper bound). */
export const XP_BUCKETS = [
  { label: '0', min: 0, max: 0 },
  { label: '1-99', min: 1, max: 99 },
  { label: '100-499', min: 100, max: 499 },
  { label: '500-999', min: 500, max: 999 },
  { label: '1000-4999', min: 1000, max: 4999 },
  { label: '5000+', min: 5000, max: null },
] as const;
