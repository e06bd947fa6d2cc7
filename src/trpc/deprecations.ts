/**
 * The registry of deprecated tRPC procedures: the one place a deprecation is declared
 * (docs/api-versioning.md). A call to a listed procedure answers with `Deprecation` (RFC 9745) and
 * `Sunset` (RFC 8594) headers, and a `Link` to the replacement's notes when one is given, and counts in
 * `deprecated_procedure_calls_total{procedure}`.
 */
export interface Deprecation {
  /** The procedure path, e.g. `user.getProfile`. */
  path: string;
  /** When it was deprecated: a UTC date, `YYYY-MM-DD`. */
  deprecatedAt: string;
  /** From when it may be removed (by a major version, never before): a UTC date at least 6 months later. */
  sunsetAt: string;
  /** The procedure to call instead, when there is one. */
  replacement?: string;
  /** A page explaining the change (sent as `Link: <…>; rel="deprecation"`). */
  link?: string;
  /** Why, in a sentence: for the people reading this file and the changelog. */
  note: string;
}

export type DeprecationRegistry = readonly Deprecation[];

/**
 * Deprecated procedures, in production. Empty: the contract's aliases (`auth.signin`, `user.getProfile`,
 * `analytics.track`…) were promised to external clients (api-contract §11), so none is on its way out.
 */
export const DEPRECATIONS: DeprecationRegistry = [];

/** The shortest time between a deprecation and its sunset. */
export const MINIMUM_SUNSET_MONTHS = 6;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The instant a registry date names: midnight UTC. */
export function registryDate(date: string): Date {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (!DATE.test(date) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
    throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return parsed;
}

/** The response headers announcing a deprecation (lower-case names, as the request context keeps them). */
export function deprecationHeaders(entry: Deprecation): Record<string, string> {
  const headers: Record<string, string> = {
    // RFC 9745: a Structured Field Date, `@` and the Unix time in seconds.
    deprecation: `@${Math.floor(registryDate(entry.deprecatedAt).getTime() / 1000)}`,
    // RFC 8594: an HTTP-date (IMF-fixdate).
    sunset: registryDate(entry.sunsetAt).toUTCString(),
  };
  if (entry.link) headers.link = `<${entry.link}>; rel="deprecation"; type="text/html"`;
  return headers;
}

/**
 * Problems with a registry: unknown or repeated paths, bad dates, a sunset sooner than
 * MINIMUM_SUNSET_MONTHS after the deprecation, a replacement that does not exist.
 */
export function registryProblems(registry: DeprecationRegistry, paths: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of registry) {
    if (!paths.has(entry.path)) problems.push(`${entry.path}: no such procedure`);
    if (seen.has(entry.path)) problems.push(`${entry.path}: listed twice`);
    seen.add(entry.path);
    if (entry.replacement && !paths.has(entry.replacement))
      problems.push(`${entry.path}: replacement ${entry.replacement} is no procedure`);
    try {
      const earliest = registryDate(entry.deprecatedAt);
      earliest.setUTCMonth(earliest.getUTCMonth() + MINIMUM_SUNSET_MONTHS);
      if (registryDate(entry.sunsetAt) < earliest)
        problems.push(`${entry.path}: sunset less than ${MINIMUM_SUNSET_MONTHS} months after deprecation`);
    } catch (error) {
      problems.push(`${entry.path}: ${(error as Error).message}`);
    }
  }
  return problems;
}
