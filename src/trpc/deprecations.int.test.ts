import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import type { DeprecationRegistry } from './deprecations.js';

/** Deprecated procedures over HTTP: headers on the answer and the call counted (trpc/deprecations.ts). */

const registry: DeprecationRegistry = [
  {
    path: 'example.hi',
    deprecatedAt: '2026-01-15',
    sunsetAt: '2026-07-15',
    replacement: 'chat.getConversationStarters',
    link: 'https://docs.example/api-versioning',
    note: 'test entry',
  },
  {
    path: 'analytics.getLeaderboard',
    deprecatedAt: '2026-03-01',
    sunsetAt: '2027-03-01',
    note: 'test entry',
  },
];

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function app() {
  const t = await createTestApp({ deprecations: registry });
  apps.push(t);
  return t;
}

const deprecatedCalls = async (t: TestApp) =>
  (await t.deps.metrics.deprecatedCalls.get()).values.find((value) => value.labels.procedure === 'example.hi')
    ?.value;

const headersOf = (response: Response) => ({
  deprecation: response.headers.get('deprecation'),
  sunset: response.headers.get('sunset'),
  link: response.headers.get('link'),
});

describe('deprecated procedures', () => {
  it('answer with Deprecation, Sunset and Link headers and are counted', async () => {
    const t = await app();
    expect(await deprecatedCalls(t)).toBe(0);
    const answer = await trpcCall(t, 'example.hi', { name: 'x' });
    expect(answer.codes).toEqual(['OK']);
    expect(headersOf(answer.response)).toEqual({
      deprecation: `@${Date.UTC(2026, 0, 15) / 1000}`,
      sunset: 'Wed, 15 Jul 2026 00:00:00 GMT',
      link: '<https://docs.example/api-versioning>; rel="deprecation"; type="text/html"',
    });
    await trpcCall(t, 'example.hi', { name: 'y' });
    expect(await deprecatedCalls(t)).toBe(2);
    const scrape = await t.deps.metrics.registry.metrics();
    expect(scrape).toContain('deprecated_procedure_calls_total{procedure="example.hi"} 2');
  });

  it('are announced even when the call is refused, and a batch carries the headers of its deprecated call', async () => {
    const t = await app();
    const refused = await trpcCall(t, 'example.hi', { name: '' });
    expect(refused.codes).toEqual(['VALIDATION_ERROR']);
    expect(refused.response.headers.get('deprecation')).not.toBeNull();
    const batch = await trpcCall(t, [
      ['leaderboard.getGlobalStats', undefined],
      ['analytics.getLeaderboard', {}],
    ]);
    expect(batch.codes).toEqual(['OK', 'OK']);
    expect(batch.response.headers.get('sunset')).toBe('Mon, 01 Mar 2027 00:00:00 GMT');
    expect(batch.response.headers.get('link')).toBeNull();
  });

  it('other procedures carry no deprecation headers and are not counted', async () => {
    const t = await app();
    const answer = await trpcCall(t, 'leaderboard.getGlobalStats');
    expect(answer.codes).toEqual(['OK']);
    expect(headersOf(answer.response)).toEqual({ deprecation: null, sunset: null, link: null });
    expect(await deprecatedCalls(t)).toBe(0);
  });

  it('a deprecated procedure that may be cached is served fresh each time, so each call is announced and counted', async () => {
    const t = await createTestApp({
      deprecations: [
        { path: 'lessons.getAll', deprecatedAt: '2026-01-01', sunsetAt: '2026-07-01', note: 'test' },
      ],
    });
    apps.push(t);
    for (let call = 0; call < 2; call++) {
      const answer = await trpcCall(t, 'lessons.getAll', {});
      expect(answer.codes).toEqual(['OK']);
      expect(answer.response.headers.get('sunset')).toBe('Wed, 01 Jul 2026 00:00:00 GMT');
    }
    const counted = (await t.deps.metrics.deprecatedCalls.get()).values.find(
      (value) => value.labels.procedure === 'lessons.getAll',
    );
    expect(counted?.value).toBe(2);
  });

  it('without a registry entry nothing is announced (the production registry is empty)', async () => {
    const t = await createTestApp();
    apps.push(t);
    const answer = await trpcCall(t, 'example.hi', { name: 'x' });
    expect(headersOf(answer.response)).toEqual({ deprecation: null, sunset: null, link: null });
  });
});
