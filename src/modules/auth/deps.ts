import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { Mailer } from '../../integrations/mailer/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import type { RateLimits } from '../../lib/rate-limit/limiter.js';
import type { KeyValueStore, PubSub } from '../../lib/store/types.js';
import type { KeyRing } from './tokens.js';

/** What the accounts and sessions module needs; src/deps.ts provides it. */
export interface AuthDeps {
  db: Db;
  /** Session revocation marks and sign-in lock state, shared by every instance. */
  kv: KeyValueStore;
  /** Revocations are announced here, so every instance closes the revoked sessions' WebSockets. */
  pubsub: PubSub;
  log: Logger;
  env: Env;
  keyRing: KeyRing;
  clock: () => Date;
  /** Woken after a transaction that queued mail has committed. */
  mailer: Pick<Mailer, 'wake'>;
  rateLimits: RateLimits;
  /** Sign-ups, sign-ins by outcome and account locks are counted here. */
  metrics: Pick<Metrics, 'business'>;
}
