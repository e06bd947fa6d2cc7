import { randomUUID } from 'node:crypto';
import { REPLY_MAX } from './model.js';
import type { SendMessageInput, SendMessageResult, StreamEvent } from './schema.js';
import {
  type ChatActor,
  type ChatDeps,
  conversationFor,
  fallbackExchange,
  prepareMessage,
  storeExchange,
} from './service.js';

/**
 * `chat.streamMessage`: `chat.sendMessage` with the reply sent as the model writes it. The same filter,
 * replay, allowance and storage apply; the events are `chunk`s of the reply's text, then one `done`
 * with the exchange as stored. The streamed reply is plain text: corrections and translations need the
 * whole answer, so they come from `chat.sendMessage` only. Nothing is stored or counted until the reply
 * is complete: a stream that breaks off (the provider cuts it, stalls, or the client leaves) ends with
 * its typed error (UPSTREAM_ERROR, TIMEOUT, SERVICE_UNAVAILABLE) and leaves nothing behind, so the
 * client may send the message again. Without a provider it sends the fallback as one chunk.
 */
export async function* streamMessage(
  deps: ChatDeps,
  actor: ChatActor,
  input: SendMessageInput,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const step = await prepareMessage(deps, actor, input);
  if ('replay' in step) {
    yield { type: 'chunk', text: step.replay.aiMessage.text };
    yield { type: 'done', ...step.replay };
    return;
  }
  const { prepared } = step;
  const llm = deps.ai.llm;
  if (!llm) {
    const fallback = await fallbackExchange(deps, actor, input, prepared);
    yield { type: 'chunk', text: fallback.aiMessage.text };
    yield { type: 'done', ...fallback };
    return;
  }
  const messages = conversationFor(input, prepared, 'text');
  // The learner's other devices (chat.onMessage) see the reply as it is written, under this stream's id,
  // then the stored messages; a stream that ends without storing tells them with `end: 'error'`.
  const streamId = randomUUID();
  let seq = 0;
  const live = (text: string, end?: 'done' | 'error') =>
    deps.hub.sendLive(actor.userId, { kind: 'delta', streamId, seq: seq++, text, ...(end ? { end } : {}) });
  let stored: SendMessageResult | undefined;
  try {
    let text = '';
    for await (const delta of llm.stream({ messages, temperature: 0.7, signal })) {
      if (delta.length === 0 || text.length >= REPLY_MAX) continue;
      const kept = delta.slice(0, REPLY_MAX - text.length);
      text += kept;
      live(kept);
      yield { type: 'chunk', text: kept };
    }
    const reply = text.trim();
    if (reply.length === 0) {
      const fallback = await fallbackExchange(deps, actor, input, prepared);
      yield { type: 'chunk', text: fallback.aiMessage.text };
      yield { type: 'done', ...fallback };
      return;
    }
    stored = await storeExchange(
      deps,
      actor,
      input,
      prepared,
      { text: reply, corrections: [], nativeTranslation: null, targetTranslation: null },
      streamId,
    );
    live('', 'done');
  } finally {
    if (!stored && seq > 0) live('', 'error');
  }
  yield { type: 'done', ...stored };
}
