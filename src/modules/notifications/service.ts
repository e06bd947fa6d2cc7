import { tracked } from '@trpc/server';
import type { StoredEvent } from '../../realtime/streams.js';
import { type UserFeedDeps, userFeed } from '../../realtime/subscribe.js';
import type { ResumableInput } from './schema.js';

/**
 * `notifications.onEvent`: the caller's events (badges, achievements, level and league changes, friends
 * passing them, new followers, streak and review reminders) as they happen, each tracked by its stream id
 * so a reconnect resumes after the last one received. Chat messages have their own feed (`chat.onMessage`).
 */
export async function* onEvent(
  deps: UserFeedDeps,
  actor: { userId: string },
  input: ResumableInput,
  signal?: AbortSignal,
) {
  for await (const item of userFeed(deps, actor.userId, { lastEventId: input?.lastEventId, signal })) {
    if (item.kind === 'entry' && item.entry.event.type !== 'chat_message')
      yield tracked<StoredEvent>(item.entry.id, item.entry.event);
  }
}
