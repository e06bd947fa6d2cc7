import type { SQL } from 'drizzle-orm';
import * as repo from './repo.js';

/** Followers read, and at most told, per XP write: the cost of `friend_passed` stays bounded. */
const FRIENDS_PASSED_SCAN = 1_000;
const FRIENDS_PASSED_NOTIFY = 50;

/**
 * `friend_passed` events for an XP write, as one write for the transaction's batch: each learner who
 * follows the user (the user is on their friends board) and whom this write moved the user past on the
 * all-time XP board is told, with both scores. Null when the XP did not grow.
 */
export function friendsPassedWrite(change: { userId: string; fromXp: number; toXp: number }): SQL | null {
  if (change.toXp <= change.fromXp) return null;
  return repo.friendsPassedWrite({
    ...change,
    scanLimit: FRIENDS_PASSED_SCAN,
    notifyLimit: FRIENDS_PASSED_NOTIFY,
  });
}
