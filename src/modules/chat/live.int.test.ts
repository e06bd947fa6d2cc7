import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { openSse } from '../../../test/sse.js';

let fake: FakeProvider;
let t: TestApp;
let base: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({
    relay: true,
    env: { AI_BASE_URL: fake.url, AI_BACKOFF_INITIAL_MS: '1', AI_RETRIES: '0' },
  });
  base = await t.listen();
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

type Item =
  | { kind: 'delta'; streamId: string; seq: number; text: string; end?: 'done' | 'error' }
  | { kind: 'message'; message: { id: string; text: string; isUser: boolean }; streamId?: string };

describe('chat.onMessage', () => {
  it('shows another device the reply as it is written, then the stored messages', async () => {
    fake.reply = () => '¡Hola! Me alegra verte hoy.';
    const learner = await createUser(t);
    const otherDevice = await openSse<Item>(base, 'chat.onMessage', { token: learner.accessToken });
    try {
      const writer = await openSse<{ type: string }>(base, 'chat.streamMessage', {
        token: learner.accessToken,
        input: { message: 'hola', language: 'es' },
        settleMs: 0,
      });
      const items: Item[] = [];
      // The last delta (`end`) and the stored messages travel apart: either may come first.
      while (
        items.filter((item) => item.kind === 'message').length < 2 ||
        !items.some((item) => item.kind === 'delta' && item.end)
      )
        items.push((await otherDevice.next()).data);
      writer.close();

      const deltas = items.filter((item) => item.kind === 'delta');
      const messages = items.filter((item) => item.kind === 'message');
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.map((delta) => delta.text).join('')).toBe('¡Hola! Me alegra verte hoy.');
      expect(deltas.map((delta) => delta.seq)).toEqual(deltas.map((_, index) => index));
      expect(deltas.at(-1)!.end).toBe('done');
      const streamId = deltas[0]!.streamId;
      expect(deltas.every((delta) => delta.streamId === streamId)).toBe(true);
      // Every delta came before the first stored message.
      expect(items.findIndex((item) => item.kind === 'message')).toBeGreaterThan(
        items.findIndex((item) => item.kind === 'delta' && item.text.length > 0),
      );
      expect(messages.map((item) => [item.message.isUser, item.message.text, item.streamId])).toEqual([
        [true, 'hola', streamId],
        [false, '¡Hola! Me alegra verte hoy.', streamId],
      ]);
    } finally {
      otherDevice.close();
    }
  });

  it('carries chat.sendMessage exchanges, and resumes after the last message received', async () => {
    fake.reply = () => JSON.stringify({ reply: 'Muy bien.', corrections: [] });
    const learner = await createUser(t);
    const device = await openSse<Item>(base, 'chat.onMessage', { token: learner.accessToken });
    let lastId: string | undefined;
    try {
      await learner.client.chat.sendMessage.mutate({ message: 'uno', language: 'es' });
      const mine = await device.next();
      const reply = await device.next();
      expect(mine.data).toMatchObject({ kind: 'message', message: { isUser: true, text: 'uno' } });
      expect(reply.data).toMatchObject({ kind: 'message', message: { isUser: false, text: 'Muy bien.' } });
      lastId = reply.id;
    } finally {
      device.close();
    }
    await learner.client.chat.sendMessage.mutate({ message: 'dos', language: 'es' });
    const resumed = await openSse<Item>(base, 'chat.onMessage', {
      token: learner.accessToken,
      input: { lastEventId: lastId },
    });
    try {
      const texts = [(await resumed.next()).data, (await resumed.next()).data].map((item) =>
        item.kind === 'message' ? item.message.text : item.text,
      );
      expect(texts).toEqual(['dos', 'Muy bien.']);
      expect(await resumed.drain(300)).toEqual([]);
    } finally {
      resumed.close();
    }
  });
});
