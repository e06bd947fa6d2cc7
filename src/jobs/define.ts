import type { z } from 'zod';
import type { Env } from '../config/env.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import type { KeyValueStore, RankingStore } from '../lib/store/types.js';
import type { RealtimeHub } from '../realtime/hub.js';

/** What a job's handler may use: a narrow slice of the process's dependencies. */
export interface JobDeps {
  env: Env;
  db: Db;
  kv: KeyValueStore;
  rankings: RankingStore;
  rankingNamespace: string;
  /** Leaderboard changes are announced here (reconciliation can change a board). */
  hub: Pick<RealtimeHub, 'boardChanged'>;
  log: Logger;
  clock: () => Date;
  /** One pass over the mail outbox; resolves with how many messages were delivered. */
  mailer: { drainOnce(): Promise<number> };
}

/** Which attempt this is (1-based) and the runtime's id of the job. */
export interface JobRun {
  id: string;
  attempt: number;
}

/**
 * One job, defined once: its name (also its queue's), the payload it accepts (checked when enqueued and
 * again when run), how often it is retried (exponential backoff from `backoffMs`), and, for scheduled
 * jobs, how often it runs (`everyMs` from the environment; null or 0 turns the schedule off).
 */
export interface JobDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  name: N;
  payload: S;
  attempts: number;
  backoffMs: number;
  schedule?: (env: Env) => number | null;
  handler(deps: JobDeps, payload: z.output<S>, run: JobRun): Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of jobs holds definitions of any payload.
export type AnyJob = JobDefinition<string, any>;

export function defineJob<const N extends string, S extends z.ZodType>(
  definition: JobDefinition<N, S>,
): JobDefinition<N, S> {
  return definition;
}

export type JobNameOf<D extends AnyJob> = D['name'];
export type JobPayloadOf<D extends AnyJob, N extends string> = z.input<Extract<D, { name: N }>['payload']>;

/** Thrown by `enqueue` for a payload its job's schema refuses: a producer's bug, never retried. */
export class JobPayloadError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: string,
  ) {
    super(`invalid payload for job ${jobName}: ${issues}`);
    this.name = 'JobPayloadError';
  }
}

/** Validates a payload against its job's schema, or throws JobPayloadError. */
export function parsePayload<D extends AnyJob>(definition: D, payload: unknown): z.output<D['payload']> {
  const result = (definition.payload as z.ZodType).safeParse(payload);
  if (!result.success)
    throw new JobPayloadError(
      definition.name,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '),
    );
  return result.data as z.output<D['payload']>;
}

/** Delay before retry n+1 after n failed attempts: base * 2^(n-1), as BullMQ's exponential backoff. */
export const backoffDelay = (definition: AnyJob, failedAttempts: number) =>
  definition.backoffMs * 2 ** Math.max(0, failedAttempts - 1);
