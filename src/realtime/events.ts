import { z } from 'zod';
import type { UserEventType } from '../db/schema/events.js';

/**
 * What each user event carries. Producers build events with these shapes (`UserEvent`), the outbox
 * stores them, subscribers receive them as `{ id, type, data, at }`. Payloads are small and hold no
 * one else's private data (a friend is named by display name only).
 */
export const userEventData = {
  badge_unlocked: z.object({ id: z.string(), name: z.string(), description: z.string(), icon: z.string() }),
  achievement_unlocked: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    icon: z.string(),
    rarity: z.string(),
    xpReward: z.number().int(),
  }),
  level_up: z.object({ from: z.number().int(), to: z.number().int() }),
  league_changed: z.object({ from: z.string(), to: z.string() }),
  streak_at_risk: z.object({ streakDays: z.number().int(), localDate: z.string() }),
  friend_passed: z.object({
    friendId: z.string().uuid(),
    friendName: z.string(),
    board: z.string(),
    friendScore: z.number(),
    yourScore: z.number(),
  }),
  new_follower: z.object({ followerId: z.string().uuid(), followerName: z.string() }),
  srs_due: z.object({ due: z.number().int(), localDate: z.string() }),
  chat_message: z.object({
    message: z.object({
      id: z.string(),
      text: z.string(),
      isUser: z.boolean(),
      timestamp: z.string(),
      language: z.string(),
      context: z.string().optional(),
      corrections: z
        .array(z.object({ original: z.string(), corrected: z.string(), explanation: z.string() }))
        .optional(),
      nativeTranslation: z.string().optional(),
      targetTranslation: z.string().optional(),
    }),
    /** The reply's live stream (chat.onMessage deltas), when it was written in one. */
    streamId: z.string().optional(),
  }),
} satisfies Record<UserEventType, z.ZodType>;

export type UserEventData<T extends UserEventType> = z.infer<(typeof userEventData)[T]>;

/** An event for one user, as producers raise it. */
export type UserEvent = {
  [T in UserEventType]: { userId: string; type: T; data: UserEventData<T> };
}[UserEventType];
