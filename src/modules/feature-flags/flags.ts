import { randomUUID } from 'node:crypto';
import {
  type Client,
  NOOP_PROVIDER,
  OpenFeature,
  type Logger as OpenFeatureLogger,
} from '@openfeature/server-sdk';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { PubSub } from '../../lib/store/types.js';
import { FLAGS_CHANNEL, PostgresFlagProvider } from './provider.js';

/**
 * What procedures and routes ask of feature flags; they never touch the OpenFeature SDK themselves.
 * `isEnabled` never throws: a flag that cannot be evaluated (unknown, database down) is off.
 */
export interface FeatureFlags {
  /** Whether the flag is on for this user; `null` is an anonymous caller. */
  isEnabled(flagKey: string, userId: string | null): Promise<boolean>;
  /**
   * After a change committed: reloads this instance's flags (so the caller reads its own write) and
   * announces the change to every instance. Never throws: what fails is logged, the refresh catches up.
   */
  changed(flagKey: string): Promise<void>;
  /** Reloads this instance's flags now (after migrations at start-up). Never throws: failures are logged. */
  refresh(): Promise<void>;
  /** Unsubscribes and stops the refresh; the provider leaves the OpenFeature API. */
  close(): Promise<void>;
}

/** What modules that evaluate flags need; src/deps.ts provides it. */
export interface FlagsDeps {
  flags: FeatureFlags;
}

export interface FeatureFlagsOptions {
  /** FLAGS_REFRESH_SECONDS, in milliseconds. */
  refreshMs: number;
}

/**
 * Sets our PostgreSQL provider on an OpenFeature domain of its own (the OpenFeature API is a process-wide
 * singleton; each set of deps, and so each test app, gets its own domain and provider) and returns the
 * facade over a client of that domain. A first load that fails is logged, not thrown: the service starts,
 * flags are off until the database answers and the refresh loads them.
 */
export async function createFeatureFlags(
  deps: { db: Db; pubsub: PubSub; log: Logger },
  options: FeatureFlagsOptions,
): Promise<FeatureFlags> {
  const log = deps.log.child({ component: 'feature-flags' });
  const provider = new PostgresFlagProvider({ ...deps, log }, { refreshMs: options.refreshMs });
  const domain = `linguamate-${randomUUID()}`;
  await OpenFeature.setProviderAndWait(domain, provider).catch((error: unknown) => {
    log.warn({ err: error }, 'feature flags not loaded at start-up: every flag is off until they are');
  });
  const client: Client = OpenFeature.getClient(domain);
  client.setLogger(sdkLogger(log));
  let closed = false;

  return {
    async isEnabled(flagKey, userId) {
      try {
        return await client.getBooleanValue(flagKey, false, userId ? { targetingKey: userId } : {});
      } catch (error) {
        log.warn({ err: error, flagKey }, 'feature flag not evaluated: off');
        return false;
      }
    },
    refresh: () => provider.invalidate().catch(() => undefined),
    async changed(flagKey) {
      await provider.invalidate().catch(() => undefined);
      await deps.pubsub.publish(FLAGS_CHANNEL, flagKey).catch((error: unknown) => {
        log.warn({ err: error, flagKey }, 'feature flag change not announced: other instances refresh later');
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // The OpenFeature API cannot forget a domain: the no-op provider (every flag its default) takes it,
      // and the SDK closes ours (onClose) as it is replaced.
      await OpenFeature.setProviderAndWait(domain, NOOP_PROVIDER);
      await provider.onClose();
    },
  };
}

/** The SDK's own messages (hook failures and the like) go to our log instead of the console. */
function sdkLogger(log: Logger): OpenFeatureLogger {
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (...args: unknown[]) =>
      log[level](
        { openfeature: args.map((arg) => (arg instanceof Error ? arg.message : String(arg))) },
        'openfeature',
      );
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}
