import { describe, expect, it } from 'vitest';
import { Memo } from './memo.js';

describe('Memo', () => {
  it('loads a key once, concurrent misses included, and keeps null values', async () => {
    const memo = new Memo<string | null>({ max: 10, ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return null;
    };
    expect(await Promise.all([memo.get('a', load), memo.get('a', load), memo.get('a', load)])).toEqual([
      null,
      null,
      null,
    ]);
    expect(await memo.get('a', load)).toBeNull();
    expect(loads).toBe(1);
  });

  it('loads again once the entry has expired, and never keeps a failed load', async () => {
    const memo = new Memo<number>({ max: 10, ttlMs: 20 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await memo.get('k', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await memo.get('k', load)).toBe(2);
    await expect(memo.get('bad', async () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    expect(await memo.get('bad', async () => 7)).toBe(7);
  });
});
