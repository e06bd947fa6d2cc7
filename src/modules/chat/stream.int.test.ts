import { eq } from 'drizzle-orm';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import superjson from 'superjson';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { chatMessages, userStats } from '../../db/schema/index.js';

let fake: FakeProvider;
let t: TestApp;
let base: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({ env: { AI_BASE_URL: fake.url, AI_BACKOFF_INITIAL_MS: '1', AI_RETRIES: '0' } });
  base = await t.listen();
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.reply = () => '¡Hola! Me alegra verte hoy.';
});

interface SseEvent {
  event: string | undefined;
  data: unknown;
}

/** Opens the subscription over a real socket as httpSubscriptionLink does, and reads every event. */
async function subscribe(token: string, input: Record<string, unknown>): Promise<SseEvent[]> {
  const query = new URLSearchParams({ input: JSON.stringify(superjson.serialize(input)) });
  const response = await fetch(`${base}/api/trpc/chat.streamMessage?${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const events: SseEvent[] = [];
  const reader = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.event === 'return') break;
    if (!value.data) continue;
    const parsed = JSON.parse(value.data) as { json: unknown; meta?: never };
    events.push({
      event: value.event,
      data: value.event === 'serialized-error' ? parsed : superjson.deserialize(parsed as never),
    });
    if (value.event === 'return' || value.event === 'serialized-error') break;
  }
  await reader.cancel();
  return events;
}

const payloads = (events: SseEvent[]) =>
  events
    .filter((event) => event.event === undefined)
    .map((event) => event.data as { type: string; text?: string });

describe('chat.streamMessage over SSE', () => {
  it('sends the reply in chunks as it is written, then the exchange as stored', async () => {
    const { user, accessToken } = await createUser(t);
    const events = await subscribe(accessToken, { message: 'hola, soy ana@example.com', language: 'es' });
    const data = payloads(events);
    const chunks = data.filter((event) => event.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('¡Hola! Me alegra verte hoy.');
    const done = data.at(-1) as unknown as {
      type: string;
      userMessage: { id: string; text: string };
      aiMessage: { id: string; text: string };
      xpEarned: number;
    };
    expect(done).toMatchObject({ type: 'done', aiMessage: { text: '¡Hola! Me alegra verte hoy.' } });
    expect(done.userMessage.text).toBe('hola, soy [REDACTED]');
    expect(done.xpEarned).toBeGreaterThanOrEqual(10);
    const request = fake.requests.at(-1)!;
    expect(request.json!.stream).toBe(true);
    expect(JSON.stringify(request.json)).not.toContain('ana@example.com');
    const stored = await t.deps.db.select().from(chatMessages).where(eq(chatMessages.userId, user.id));
    expect(stored.map((row) => row.id).sort()).toEqual([done.userMessage.id, done.aiMessage.id].sort());
  });

  it('ends a stream cut midway with UPSTREAM_ERROR, storing and counting nothing', async () => {
    const { user, accessToken } = await createUser(t);
    fake.queue({ kind: 'cut-stream', afterChunks: 2 });
    const events = await subscribe(accessToken, { message: 'hola', language: 'es' });
    expect(payloads(events).filter((event) => event.type === 'chunk')).toHaveLength(2);
    const error = events.at(-1)!;
    expect(error.event).toBe('serialized-error');
    expect(error.data).toMatchObject({ json: { data: { errorCode: 'UPSTREAM_ERROR', httpStatus: 502 } } });
    expect(await t.deps.db.select().from(chatMessages).where(eq(chatMessages.userId, user.id))).toEqual([]);
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats).toMatchObject({ messagesUsedToday: 0, totalChats: 0, xpPoints: 0 });

    // The message sent again completes and is counted once.
    const retried = payloads(await subscribe(accessToken, { message: 'hola', language: 'es' }));
    expect(retried.at(-1)!.type).toBe('done');
    const [after] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(after).toMatchObject({ messagesUsedToday: 1, totalChats: 1 });
  });

  it('refuses a free user out of messages with RATE_LIMITED before asking the model', async () => {
    const { user, accessToken } = await createUser(t);
    const today = new Date().toISOString().slice(0, 10);
    await t.deps.db
      .update(userStats)
      .set({ messagesUsedToday: 5, lastMessageDate: today })
      .where(eq(userStats.userId, user.id));
    const events = await subscribe(accessToken, { message: 'hola', language: 'es' });
    expect(events.at(-1)).toMatchObject({
      event: 'serialized-error',
      data: { json: { data: { errorCode: 'RATE_LIMITED', httpStatus: 429 } } },
    });
    expect(fake.requests).toHaveLength(0);
  });
});
