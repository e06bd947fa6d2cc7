import { tracked } from '@trpc/server';
import type { UserEventData } from '../../realtime/events.js';
import { type UserFeedDeps, userFeed } from '../../realtime/subscribe.js';
import type { ResumableInput } from '../notifications/schema.js';

/**
 * `chat.onMessage`: the caller's chat on every device, live. Stored messages (theirs and the replies,
 * from any device) arrive as `{kind: 'message', message, streamId?}`, tracked by stream id so a reconnect
 * resumes after the last one; a reply being written (chat.streamMessage on any device) arrives first as
 * untracked `{kind: 'delta', streamId, seq, text, end?}` items, which are not replayed.
 */
export async function* onMessage(
  deps: UserFeedDeps,
  actor: { userId: string },
  input: ResumableInput,
  signal?: AbortSignal,
) {
  const feed = userFeed(deps, actor.userId, { lastEventId: input?.lastEventId, signal, live: true });
  for await (const item of feed) {
    if (item.kind === 'live') yield item.message;
    else if (item.entry.event.type === 'chat_message') {
      const data = item.entry.event.data as UserEventData<'chat_message'>;
      yield tracked(item.entry.id, { kind: 'message' as const, ...data, at: item.entry.event.at });
    }
  }
}
