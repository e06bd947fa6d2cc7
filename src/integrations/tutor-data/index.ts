import type { Env } from '../../config/env.js';
import type { Logger } from '../../lib/logger.js';
import { createTutorDataClient, type TutorDataClientOptions } from './client.js';
import type { TutorDataSource } from './types.js';

export type { AddressClass, AddressPolicy } from './address-policy.js';
export { classifyAddress, publicAddressesOnly } from './address-policy.js';
export type { ResolvedAddress, ResolveHost, TutorDataClientOptions } from './client.js';
export { createTutorDataClient, systemResolver } from './client.js';
export type {
  FetchedDocument,
  FetchFailure,
  FetchFailureKind,
  FetchOutcome,
  TutorDataSource,
  TutorFetchRequest,
} from './types.js';

export interface TutorDataSourceDeps {
  log: Logger;
  env: Pick<Env, 'TUTOR_DATA_ALLOWED_HOSTS' | 'TUTOR_DATA_MAX_BYTES' | 'TUTOR_DATA_TIMEOUT_MS'>;
}

/**
 * What code (never configuration) may change: tests resolve names of their own and admit the loopback
 * address of their local servers; they also shorten backoff and breaker pauses.
 */
export type TutorDataSourceOverrides = Partial<
  Pick<TutorDataClientOptions, 'resolve' | 'addressPolicy' | 'retries' | 'backoff' | 'breaker'>
>;

/** The tutor data fetcher configured by the environment: allowlist, size cap and timeout cap. */
export function createTutorDataSource(
  deps: TutorDataSourceDeps,
  overrides: TutorDataSourceOverrides = {},
): TutorDataSource {
  return createTutorDataClient({
    ...overrides,
    allowedHosts: deps.env.TUTOR_DATA_ALLOWED_HOSTS,
    maxBytes: deps.env.TUTOR_DATA_MAX_BYTES,
    maxTimeoutMs: deps.env.TUTOR_DATA_TIMEOUT_MS,
    log: deps.log.child({ component: 'tutor-data' }),
  });
}
