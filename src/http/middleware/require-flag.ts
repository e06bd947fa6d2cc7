import type { Context, MiddlewareHandler } from 'hono';
import type { FeatureFlags } from '../../modules/feature-flags/flags.js';
import { notFound } from '../errors.js';

export interface RequireFlagOptions {
  flags: Pick<FeatureFlags, 'isEnabled'>;
  /** The signed-in user of a request, or null (the app's caller resolver reads the bearer token). */
  userIdOf: (c: Context) => Promise<string | null>;
}

/**
 * Plain routes that exist only while a feature flag is on for the caller: `requireFlag(flagKey)` answers
 * while it is off, and when it cannot be evaluated (unknown flag, database down), exactly as a path with
 * no route does (the 404 envelope of `notFound`), before anything else of the route runs.
 *
 *     const requireFlag = createRequireFlag({ flags: deps.flags, userIdOf });
 *     routes.post('/beta', requireFlag('toolkit.beta'), handler);
 */
export function createRequireFlag(options: RequireFlagOptions): (flagKey: string) => MiddlewareHandler {
  return (flagKey) =>
    async function requireFlag(c, next) {
      const userId = await options.userIdOf(c).catch(() => null);
      if (!(await options.flags.isEnabled(flagKey, userId))) return notFound(c);
      return next();
    };
}
