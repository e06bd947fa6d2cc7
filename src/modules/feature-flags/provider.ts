import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { PubSub } from '../../lib/store/types.js';
import { decide, type FlagRule } from './evaluate.js';
import * as repo from './repo.js';

/** Every instance listens here; a change to any flag or override is announced here after it commits. */
export const FLAGS_CHANNEL = 'flags:changed';

export interface FlagProviderDeps {
  db: Db;
  pubsub: PubSub;
  log: Logger;
}

export interface FlagProviderOptions {
  /** Safety net for a missed change message: flags are re-read and overrides dropped this often. */
  refreshMs: number;
  /** Users whose overrides are kept in memory (least recently used go first). */
  overrideUsers?: number;
}

/**
 * Our OpenFeature provider, backed by PostgreSQL (feature_flags, feature_flag_overrides). It answers
 * boolean flags from memory: every flag's rule is held in a snapshot, reloaded when a change is announced
 * on `FLAGS_CHANNEL` (pub/sub: Redis, or in-process) and every `refreshMs` in case a message was missed;
 * users' overrides are read per user on first need and kept in an LRU, dropped on the same occasions.
 * Flags without overrides never touch the database at evaluation. `initialize` throws when the first load
 * fails (the SDK then marks the provider ERROR); evaluations meanwhile answer the caller's default with
 * PROVIDER_NOT_READY, and the refresh keeps trying. Nothing here throws into a request.
 */
export class PostgresFlagProvider implements Provider {
  readonly metadata = { name: 'linguamate-postgres' } as const;
  readonly runsOn = 'server';
  readonly events = new OpenFeatureEventEmitter();

  readonly #deps: FlagProviderDeps;
  readonly #options: FlagProviderOptions;
  #snapshot: Map<string, FlagRule> | null = null;
  readonly #overrides: LRUCache<string, Map<string, boolean>>;
  /** Bumped by every invalidation: a read started before one must not fill the cache after it. */
  #generation = 0;
  /** The load running, and the generation when it started (it sees every change announced before). */
  #loading: { generation: number; done: Promise<void> } | null = null;
  #failing = false;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #subscribing: Promise<void> | undefined;
  #closed = false;

  constructor(deps: FlagProviderDeps, options: FlagProviderOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#overrides = new LRUCache({ max: options.overrideUsers ?? 10_000 });
  }

  /** Subscribes to changes, starts the refresh and loads the flags (throws when that load fails). */
  async initialize(): Promise<void> {
    this.#timer = setInterval(() => {
      void this.#subscribe();
      void this.invalidate().catch(() => undefined);
    }, this.#options.refreshMs);
    this.#timer.unref();
    await this.#subscribe();
    await this.invalidate();
  }

  async onClose(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#subscribing;
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = undefined;
  }

  /**
   * Drops the cached overrides and reloads the flags; resolves once a load that started after this call
   * has finished (rejects when it failed: the previous snapshot then stays in use). Concurrent calls share
   * loads: one running is joined when it started after the call, else waited for and followed by another.
   */
  async invalidate(): Promise<void> {
    const ticket = ++this.#generation;
    this.#overrides.clear();
    for (;;) {
      const running = this.#loading;
      if (running && running.generation >= ticket) return running.done;
      if (running) {
        await running.done.catch(() => undefined);
        continue;
      }
      const load: { generation: number; done: Promise<void> } = {
        generation: this.#generation,
        done: this.#load().finally(() => {
          if (this.#loading === load) this.#loading = null;
        }),
      };
      this.#loading = load;
      return load.done;
    }
  }

  async #load(): Promise<void> {
    try {
      const rules = await repo.loadFlagRules(this.#deps.db);
      this.#snapshot = new Map(rules.map((rule) => [rule.key, rule]));
    } catch (error) {
      // Never loaded yet (a fresh database before its migrations, say): a warning; losing them, an error.
      if (!this.#failing && this.#snapshot)
        this.#deps.log.error({ err: error }, 'feature flags not reloaded');
      else if (!this.#failing) this.#deps.log.warn({ err: error }, 'feature flags not loaded');
      this.#failing = true;
      throw error;
    }
    if (this.#failing) {
      this.#failing = false;
      this.#deps.log.info('feature flags reloaded after a failure');
      this.events.emit(ProviderEvents.Ready);
    }
    this.events.emit(ProviderEvents.ConfigurationChanged);
  }

  #subscribe(): Promise<void> {
    if (this.#unsubscribe || this.#closed) return Promise.resolve();
    this.#subscribing ??= this.#deps.pubsub
      .subscribe(FLAGS_CHANNEL, () => {
        void this.invalidate().catch(() => undefined);
      })
      .then((unsubscribe) => {
        this.#unsubscribe = unsubscribe;
        // Closed while subscribing: undo it at once.
        if (this.#closed) return unsubscribe();
      })
      .catch((error: unknown) => {
        this.#deps.log.warn({ err: error }, 'feature flag changes not subscribed; retrying at the refresh');
      })
      .finally(() => {
        this.#subscribing = undefined;
      });
    return this.#subscribing;
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    const snapshot = this.#snapshot;
    if (!snapshot)
      return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, 'feature flags are not loaded yet');
    const rule = snapshot.get(flagKey);
    if (!rule) return error(defaultValue, ErrorCode.FLAG_NOT_FOUND, `no flag ${flagKey}`);
    const userId = typeof context.targetingKey === 'string' ? context.targetingKey : null;
    let override: boolean | undefined;
    if (userId !== null && rule.hasOverrides) {
      try {
        override = (await this.#overridesOf(userId)).get(flagKey);
      } catch (cause) {
        this.#deps.log.warn(
          { err: cause, flagKey },
          'feature flag overrides not read: answering the default',
        );
        return error(defaultValue, ErrorCode.GENERAL, 'overrides could not be read');
      }
    }
    const decision = decide(rule, userId, override);
    return { value: decision.value, variant: decision.value ? 'on' : 'off', reason: decision.reason };
  }

  async resolveStringEvaluation(_flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return mismatch(defaultValue);
  }

  async resolveNumberEvaluation(_flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return mismatch(defaultValue);
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    _flagKey: string,
    defaultValue: T,
  ): Promise<ResolutionDetails<T>> {
    return mismatch(defaultValue);
  }

  async #overridesOf(userId: string): Promise<Map<string, boolean>> {
    const cached = this.#overrides.get(userId);
    if (cached) return cached;
    const generation = this.#generation;
    const overrides = await repo.findOverridesOfUser(this.#deps.db, userId);
    if (generation === this.#generation) this.#overrides.set(userId, overrides);
    return overrides;
  }
}

function error<T>(value: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage };
}

/** Our flags are booleans only. */
const mismatch = <T>(value: T) => error(value, ErrorCode.TYPE_MISMATCH, 'flags are booleans only');
