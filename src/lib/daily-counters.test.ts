import { describe, expect, it } from 'vitest';
import { type DailyCount, DailyCounters } from './daily-counters.js';

const at = (iso: string) => () => Date.parse(iso);
const sorted = (counts: DailyCount[]) =>
  [...counts].sort((a, b) =>
    `${a.day}${a.metric}${a.dimension}`.localeCompare(`${b.day}${b.metric}${b.dimension}`),
  );

describe('DailyCounters', () => {
  it('adds up per UTC day, metric and dimension', () => {
    let now = Date.parse('2024-05-01T23:59:59.999Z');
    const counters = new DailyCounters(() => now);
    counters.add('http_requests');
    counters.add('http_requests');
    counters.add('quota_denials', 'chat_messages');
    counters.add('ai_requests', 'llm', 3);
    now = Date.parse('2024-05-02T00:00:00.000Z');
    counters.add('http_requests');
    expect(sorted(counters.pending())).toEqual([
      { day: '2024-05-01', metric: 'ai_requests', dimension: 'llm', value: 3 },
      { day: '2024-05-01', metric: 'http_requests', dimension: '', value: 2 },
      { day: '2024-05-01', metric: 'quota_denials', dimension: 'chat_messages', value: 1 },
      { day: '2024-05-02', metric: 'http_requests', dimension: '', value: 1 },
    ]);
  });

  it('follows a clock that goes back over midnight', () => {
    let now = Date.parse('2024-05-02T00:00:01Z');
    const counters = new DailyCounters(() => now);
    counters.add('http_requests');
    now = Date.parse('2024-05-01T23:59:59Z');
    counters.add('http_requests');
    expect(
      counters
        .pending()
        .map((count) => count.day)
        .sort(),
    ).toEqual(['2024-05-01', '2024-05-02']);
  });

  it('hands the counts to the writer once and forgets them after a successful flush', async () => {
    const counters = new DailyCounters(at('2024-05-01T10:00:00Z'));
    counters.add('http_requests', '', 5);
    const written: DailyCount[][] = [];
    await counters.flush(async (counts) => {
      written.push(counts);
    });
    await counters.flush(async (counts) => {
      written.push(counts);
    });
    expect(written).toEqual([[{ day: '2024-05-01', metric: 'http_requests', dimension: '', value: 5 }]]);
    expect(counters.pending()).toEqual([]);
  });

  it('keeps the counts of a failed flush, merged with those counted meanwhile', async () => {
    const counters = new DailyCounters(at('2024-05-01T10:00:00Z'));
    counters.add('http_errors', '', 2);
    await expect(
      counters.flush(async () => {
        counters.add('http_errors');
        throw new Error('database away');
      }),
    ).rejects.toThrow('database away');
    expect(counters.pending()).toEqual([
      { day: '2024-05-01', metric: 'http_errors', dimension: '', value: 3 },
    ]);
    const written: DailyCount[] = [];
    await counters.flush(async (counts) => {
      written.push(...counts);
    });
    expect(written).toEqual([{ day: '2024-05-01', metric: 'http_errors', dimension: '', value: 3 }]);
  });

  it('runs concurrent flushes one after the other, each count written once', async () => {
    const counters = new DailyCounters(at('2024-05-01T10:00:00Z'));
    const written: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    counters.add('http_requests', '', 1);
    const first = counters.flush(async (counts) => {
      written.push(`first starts with ${counts.map((count) => count.value)}`);
      await slow;
      written.push('first ends');
    });
    await new Promise((resolve) => setImmediate(resolve));
    counters.add('http_requests', '', 10);
    const second = counters.flush(async (counts) => {
      written.push(`second starts with ${counts.map((count) => count.value)}`);
    });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second]);
    expect(written).toEqual(['first starts with 1', 'first ends', 'second starts with 10']);
    expect(counters.pending()).toEqual([]);
  });
});
