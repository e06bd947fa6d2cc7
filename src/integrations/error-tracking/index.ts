import type { ErrorReporter, ErrorReporterDeps } from './types.js';

export type { ErrorOrigin, ErrorReporter, ErrorReporterDeps } from './types.js';

const off: ErrorReporter = {
  kind: 'off',
  report() {},
  async close() {},
};

/**
 * The process's error reporter: Sentry when SENTRY_DSN is set, else one that does nothing. The Sentry SDK
 * is imported only then: loading it costs about half a second and 30 MB that a process without a DSN
 * (and every test) would pay for nothing.
 */
export async function createErrorReporter(deps: ErrorReporterDeps): Promise<ErrorReporter> {
  const dsn = deps.env.SENTRY_DSN;
  if (!dsn) return off;
  const { createSentryReporter } = await import('./sentry.js');
  return createSentryReporter({ ...deps, dsn });
}
