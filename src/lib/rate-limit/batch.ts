import type { BatchSpending, RateLimitDecision } from './decision.js';
import type { RateLimits } from './limiter.js';
import type { PolicyName } from './policies.js';

/** The spending plan of a batch, from the policy of each of its calls (null for unknown procedures). */
export function planBatchSpending(policies: readonly (PolicyName | null)[]): BatchSpending | undefined {
  if (policies.length < 2) return undefined;
  const expected = new Map<PolicyName, number>();
  for (const policy of policies) if (policy) expected.set(policy, (expected.get(policy) ?? 0) + 1);
  return { expected, groups: new Map() };
}

/**
 * Spends one point of `name` for `key` for a procedure call. In a batch, the first call of a policy spends
 * the points of all the batch's calls of that policy at once, and each call, in the order they arrive,
 * takes the decision it would have had alone: the same budget, the same refusals. A call the plan did not
 * expect spends on its own.
 */
export async function spendCallPoint(
  limits: RateLimits,
  name: PolicyName,
  key: string,
  batch: BatchSpending | undefined,
): Promise<RateLimitDecision> {
  const count = batch?.expected.get(name) ?? 1;
  if (!batch || count < 2) return limits.consume(name, key);
  const id = `${name}\n${key}`;
  let group = batch.groups.get(id);
  if (!group) {
    group = { taken: 0, decisions: limits.consumeMany(name, key, count) };
    batch.groups.set(id, group);
  }
  const slot = group.taken++;
  if (slot >= count) return limits.consume(name, key);
  return (await group.decisions)[slot]!;
}
