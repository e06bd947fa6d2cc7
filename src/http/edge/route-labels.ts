import { PatternRouter } from 'hono/router/pattern-router';
import type { RouterRoute } from 'hono/types';

export interface RouteLabelsOptions {
  /** The app's routes, read on first use (so routes added after the labeller is created count). */
  routes: () => readonly RouterRoute[];
  trpcPrefix: string;
  /** Procedure names that may appear as labels; anything else is `trpc:unknown`. */
  knownProcedures: ReadonlySet<string>;
}

/** Remembered labels; parameterised paths are unbounded, so past this many they are worked out each time. */
const MAX_REMEMBERED = 1_000;

/**
 * The metric label of a request: the route pattern it matched (`/api/health/live`), for tRPC the procedure
 * (`trpc:lessons.getAll`, a batch of several is `trpc:batch`), otherwise `unmatched`. Labels stay bounded
 * whatever URLs clients send.
 */
export function createRouteLabels(options: RouteLabelsOptions): (method: string, path: string) => string {
  const { trpcPrefix, knownProcedures } = options;
  let router: PatternRouter<string> | undefined;
  const remembered = new Map<string, string>();

  const patternOf = (method: string, path: string): string | undefined => {
    if (!router) {
      router = new PatternRouter<string>();
      // Middleware is registered for every method; only handlers name a route.
      for (const route of options.routes())
        if (route.method !== 'ALL') router.add(route.method, route.path, route.path);
    }
    return router.match(method, path)[0][0]?.[0];
  };

  return function routeLabel(method, path) {
    if (path.startsWith(trpcPrefix)) {
      const procedures = path.slice(trpcPrefix.length);
      if (procedures.includes(',')) return 'trpc:batch';
      return knownProcedures.has(procedures) ? `trpc:${procedures}` : 'trpc:unknown';
    }
    const key = `${method} ${path}`;
    let label = remembered.get(key);
    if (label === undefined) {
      const pattern = patternOf(method === 'HEAD' ? 'GET' : method, path);
      label = pattern ?? 'unmatched';
      if (pattern !== undefined && remembered.size < MAX_REMEMBERED) remembered.set(key, label);
    }
    return label;
  };
}
