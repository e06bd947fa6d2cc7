import { monthOf, type Period, weekOf } from '../gamification/periods.js';

export const BOARD_KINDS = ['xp', 'streak', 'lessons', 'languages'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

/** One ranking: a score over all time, or (XP only) over a week or a month. */
export interface Board {
  kind: BoardKind;
  period?: Period & { unit: 'week' | 'month' };
}

export function boardFor(kind: BoardKind, timeframe: 'all' | 'week' | 'month', at: Date): Board {
  if (kind !== 'xp' || timeframe === 'all') return { kind };
  return { kind, period: { ...(timeframe === 'week' ? weekOf(at) : monthOf(at)), unit: timeframe } };
}
