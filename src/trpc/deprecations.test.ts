import { describe, expect, it } from 'vitest';
import { DEPRECATIONS, type Deprecation, deprecationHeaders, registryProblems } from './deprecations.js';
import { appRouter } from './router.js';

const paths = new Set(Object.keys(appRouter._def.procedures));

const entry = (overrides: Partial<Deprecation> = {}): Deprecation => ({
  path: 'user.getProfile',
  deprecatedAt: '2026-01-15',
  sunsetAt: '2026-07-15',
  replacement: 'user.get',
  note: 'an alias',
  ...overrides,
});

describe('the deprecation registry', () => {
  it('the production registry names existing procedures with a long enough sunset', () => {
    expect(registryProblems(DEPRECATIONS, paths)).toEqual([]);
  });

  it('refuses unknown paths, repeats, bad dates, short sunsets and unknown replacements', () => {
    expect(
      registryProblems(
        [
          entry(),
          entry(),
          entry({ path: 'user.nothing' }),
          entry({ path: 'user.get', sunsetAt: '2026-07-14', replacement: 'user.gone' }),
          entry({ path: 'auth.signin', deprecatedAt: '2026-02-30' }),
        ],
        paths,
      ),
    ).toEqual([
      'user.getProfile: listed twice',
      'user.nothing: no such procedure',
      'user.get: replacement user.gone is no procedure',
      'user.get: sunset less than 6 months after deprecation',
      'auth.signin: not a YYYY-MM-DD date: 2026-02-30',
    ]);
  });

  it('announces with RFC 9745 and RFC 8594 headers', () => {
    expect(deprecationHeaders(entry())).toEqual({
      deprecation: `@${Date.UTC(2026, 0, 15) / 1000}`,
      sunset: 'Wed, 15 Jul 2026 00:00:00 GMT',
    });
    expect(deprecationHeaders(entry({ link: 'https://docs.example/migrate' })).link).toBe(
      '<https://docs.example/migrate>; rel="deprecation"; type="text/html"',
    );
  });
});
