import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { setClock } from '../../../test/srs.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { chatMessages, entitlements, translations, userStats, xpEvents } from '../../db/schema/index.js';

let fake: FakeProvider;
let t: TestApp;
let bare: TestApp;

const structured = (reply: string, corrections: unknown[] = []) =>
  JSON.stringify({ reply, corrections, nativeTranslation: 'Fine, thanks!', targetTranslation: reply });

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({
    env: {
      AI_BASE_URL: fake.url,
      AI_API_KEY: 'sk-test-secret-key-123',
      AI_BACKOFF_INITIAL_MS: '1',
      AI_RETRIES: '1',
    },
  });
  bare = await createTestApp();
});
afterAll(async () => {
  await Promise.all([t.close(), bare.close()]);
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.reply = () => structured('¡Muy bien! ¿Y tú?');
  t.deps.clock = () => new Date();
});

const chatRequests = () => fake.requests.filter((request) => request.path.endsWith('/chat/completions'));
const messagesOf = (request: RecordedRequest) =>
  request.json!.messages as { role: string; content: string }[];
const send = (token: string, input: Record<string, unknown>, app = t) =>
  trpcCall(app, 'chat.sendMessage', input, { headers: { authorization: `Bearer ${token}` } });
const storedOf = (userId: string) =>
  t.deps.db.select().from(chatMessages).where(eq(chatMessages.userId, userId));

describe('chat.sendMessage', () => {
  it('answers the structured reply, stores both messages and pays 10 XP with the first-chat badge', async () => {
    fake.reply = () =>
      structured('¡Muy bien! ¿Y tú?', [
        { original: 'Yo es bien', corrected: 'Yo estoy bien', explanation: 'estar for states' },
      ]);
    const { user, client } = await createUser(t);
    const result = await client.chat.sendMessage.mutate({ message: 'Yo es bien', language: 'es' });
    expect(result.userMessage).toMatchObject({ text: 'Yo es bien', isUser: true, language: 'es' });
    expect(result.aiMessage).toMatchObject({
      text: '¡Muy bien! ¿Y tú?',
      isUser: false,
      corrections: [{ original: 'Yo es bien', corrected: 'Yo estoy bien', explanation: 'estar for states' }],
      nativeTranslation: 'Fine, thanks!',
    });
    expect(result.aiMessage.fallback).toBeUndefined();
    expect(result.xpEarned).toBeGreaterThanOrEqual(10);
    expect(result.unlocked.badges.map((badge) => badge.id)).toContain('first_chat');
    expect(result.messagesLeft).toBe(4);
    expect(await storedOf(user.id)).toHaveLength(2);
    const xp = await t.deps.db.select().from(xpEvents).where(eq(xpEvents.userId, user.id));
    expect(xp.filter((event) => event.source === 'chat').map((event) => event.amount)).toEqual([10]);
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats).toMatchObject({ totalChats: 1, messagesUsedToday: 1, streakDays: 1 });
    expect(chatRequests()[0]!.json!.response_format).toEqual({ type: 'json_object' });
  });

  it('redacts emails, phone numbers and card numbers before the provider sees them, and stores them redacted', async () => {
    const { user, client } = await createUser(t);
    const message = 'Write to jane.doe@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111';
    const result = await client.chat.sendMessage.mutate({
      message,
      language: 'es',
      context: 'me: ana@example.org',
    });
    const sent = JSON.stringify(messagesOf(chatRequests()[0]!));
    for (const secret of ['jane.doe@example.com', '7946 0958', '4111 1111 1111 1111', 'ana@example.org'])
      expect(sent).not.toContain(secret);
    expect(messagesOf(chatRequests()[0]!).at(-1)!.content).toBe(
      'Write to [REDACTED] or call [REDACTED], card [REDACTED]',
    );
    expect(result.userMessage.text).toBe('Write to [REDACTED] or call [REDACTED], card [REDACTED]');
    expect((await storedOf(user.id)).map((row) => row.text)).not.toContain(message);
    // The provider key travels only in the Authorization header, never into a log line.
    expect(chatRequests()[0]!.headers.authorization).toBe('Bearer sk-test-secret-key-123');
    expect(t.logs.raw.some((line) => line.includes('sk-test-secret-key-123'))).toBe(false);
  });

  it('refuses profanity without sending, storing or counting anything', async () => {
    const { user, accessToken } = await createUser(t);
    const answer = await send(accessToken, { message: 'this is shit', language: 'es' });
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(chatRequests()).toHaveLength(0);
    expect(await storedOf(user.id)).toHaveLength(0);
  });

  it('sends the last 20 stored messages, oldest first, then the new one', async () => {
    const { user, client } = await createUser(t);
    const base = Date.parse('2030-01-01T00:00:00Z');
    await t.deps.db.insert(chatMessages).values(
      Array.from({ length: 25 }, (_, index) => ({
        userId: user.id,
        text: `old ${index}`,
        isUser: index % 2 === 0,
        language: 'es',
        createdAt: new Date(base + index * 1000),
      })),
    );
    t.deps.clock = () => new Date(base + 60_000);
    await client.chat.sendMessage.mutate({ message: 'nuevo', language: 'es' });
    const sent = messagesOf(chatRequests()[0]!);
    expect(sent[0]!.role).toBe('system');
    expect(sent.slice(1, -1).map((message) => message.content)).toEqual(
      Array.from({ length: 20 }, (_, index) => `old ${index + 5}`),
    );
    expect(sent.slice(1, 3).map((message) => message.role)).toEqual(['assistant', 'user']);
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'nuevo' });
  });

  it('asks once more after an invalid answer and uses the valid second one', async () => {
    const { client } = await createUser(t);
    let calls = 0;
    fake.reply = () => (++calls === 1 ? '{"reply": ' : structured('Segunda'));
    const result = await client.chat.sendMessage.mutate({ message: 'hola', language: 'es' });
    expect(chatRequests()).toHaveLength(2);
    expect(result.aiMessage.text).toBe('Segunda');
  });

  it('degrades to a plain reply without corrections after two invalid answers, and counts it once', async () => {
    const { user, client } = await createUser(t);
    fake.reply = () => 'Hola, ¿qué tal?';
    const result = await client.chat.sendMessage.mutate({ message: 'hola', language: 'es' });
    expect(chatRequests()).toHaveLength(2);
    expect(result.aiMessage).toMatchObject({ text: 'Hola, ¿qué tal?', corrections: [] });
    expect(result.aiMessage.fallback).toBeUndefined();
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats!.messagesUsedToday).toBe(1);
  });

  it('answers the stored exchange to a retried send with the same key, counting it once', async () => {
    const { user, client } = await createUser(t);
    const input = { message: 'hola', language: 'es', idempotencyKey: crypto.randomUUID() };
    const first = await client.chat.sendMessage.mutate(input);
    const again = await client.chat.sendMessage.mutate(input);
    expect(again).toMatchObject({
      replayed: true,
      xpEarned: 0,
      userMessage: first.userMessage,
      aiMessage: first.aiMessage,
    });
    expect(chatRequests()).toHaveLength(1);
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats).toMatchObject({ messagesUsedToday: 1, totalChats: 1 });
  });

  it('refuses bad input with 400 VALIDATION_ERROR', async () => {
    const { accessToken } = await createUser(t);
    for (const input of [
      { message: '', language: 'es' },
      { message: 'x'.repeat(1001), language: 'es' },
      { message: 'hola', language: 'not a language' },
      { message: 'hola' },
    ]) {
      const answer = await send(accessToken, input);
      expect(answer.status, JSON.stringify(input).slice(0, 40)).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    }
    expect(chatRequests()).toHaveLength(0);
  });
});

describe('the daily chat allowance', () => {
  it("gives five a day in the user's own time zone, and a new five after their local midnight", async () => {
    const { user, accessToken } = await createUser(t, { timezone: 'Pacific/Kiritimati' });
    // 23:50 on 10 March in Kiritimati (UTC+14) is 09:50Z on 10 March.
    const clock = setClock(t, '2031-03-10T09:50:00.000Z');
    for (let sent = 0; sent < 5; sent++)
      expect((await send(accessToken, { message: `m${sent}`, language: 'es' })).status).toBe(200);
    const refused = await send(accessToken, { message: 'sixth', language: 'es' });
    expect(refused.status).toBe(429);
    expect(refused.codes).toEqual(['RATE_LIMITED']);
    expect(chatRequests()).toHaveLength(5);
    clock.advance(11 * 60_000); // 00:01 on 11 March in Kiritimati, still 10 March in UTC
    expect((await send(accessToken, { message: 'new day', language: 'es' })).status).toBe(200);
    const [stats] = await t.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
    expect(stats).toMatchObject({ messagesUsedToday: 1, lastMessageDate: '2031-03-11', totalChats: 6 });
  });

  it('never limits premium', async () => {
    const { user, accessToken } = await createUser(t);
    await t.deps.db
      .insert(entitlements)
      .values({ userId: user.id, entitlement: 'premium', source: 'revenuecat', expiresAt: null });
    for (let sent = 0; sent < 7; sent++)
      expect((await send(accessToken, { message: `m${sent}`, language: 'es' })).status).toBe(200);
    const answer = await send(accessToken, { message: 'again', language: 'es' });
    expect((answer.results[0] as { messagesLeft: number }).messagesLeft).toBe(-1);
  });
});

describe('degraded mode', () => {
  it('answers the fallback at once without a provider, storing and counting nothing', async () => {
    const { user, client } = await createUser(bare);
    const result = await client.chat.sendMessage.mutate({ message: 'Bonjour', language: 'fr' });
    expect(result.aiMessage).toMatchObject({
      text: 'Bonjour ! Comment allez-vous ?',
      fallback: true,
      isUser: false,
    });
    expect(result).toMatchObject({ xpEarned: 0, messagesLeft: 5 });
    expect(await storedOf(user.id)).toHaveLength(0);
  });

  it('fails fast with SERVICE_UNAVAILABLE and Retry-After while the breaker is open, spending nothing', async () => {
    const fragile = await createTestApp({
      env: {
        AI_BASE_URL: fake.url,
        AI_RETRIES: '0',
        AI_BREAKER_FAILURES: '1',
        AI_BREAKER_HALF_OPEN_MS: '60000',
      },
    });
    try {
      const { user, accessToken } = await createUser(fragile);
      fake.queue({ kind: 'status', status: 500 });
      const failed = await send(accessToken, { message: 'hola', language: 'es' }, fragile);
      expect(failed.status).toBeGreaterThanOrEqual(502);
      const started = performance.now();
      const open = await send(accessToken, { message: 'hola', language: 'es' }, fragile);
      expect(performance.now() - started).toBeLessThan(500);
      expect(open.status).toBe(503);
      expect(open.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(open.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(chatRequests()).toHaveLength(1);
      const [stats] = await fragile.deps.db.select().from(userStats).where(eq(userStats.userId, user.id));
      expect(stats).toMatchObject({ messagesUsedToday: 0, totalChats: 0 });
      expect(await storedOf(user.id)).toHaveLength(0);
    } finally {
      await fragile.close();
    }
  });
});

describe('chat.getHistory', () => {
  async function withMessages(count: number) {
    const created = await createUser(t);
    await t.deps.db.insert(chatMessages).values(
      Array.from({ length: count }, (_, index) => ({
        userId: created.user.id,
        text: `m${index}`,
        isUser: true,
        language: 'es',
        createdAt: new Date(Date.parse('2030-05-01T00:00:00Z') + index * 1000),
      })),
    );
    return created;
  }

  it("answers the contract's array, newest first, by limit and offset", async () => {
    const { client } = await withMessages(5);
    const page = await client.chat.getHistory.query({ limit: 2, offset: 1 });
    expect(Array.isArray(page)).toBe(true);
    expect((page as { text: string }[]).map((message) => message.text)).toEqual(['m3', 'm2']);
  });

  it('pages by cursor when one is asked for', async () => {
    const { client } = await withMessages(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await client.chat.getHistory.query({ limit: 2, cursor })) as {
        messages: { text: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.messages.map((message) => message.text));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    const bad = await trpcCall(
      t,
      'chat.getHistory',
      { cursor: 'bogus' },
      { headers: { authorization: (await createUser(t)).authorization } },
    );
    expect(bad.codes).toEqual(['VALIDATION_ERROR']);
  });

  it("never shows another user's messages", async () => {
    await withMessages(3);
    const { client } = await createUser(t);
    expect(await client.chat.getHistory.query({})).toEqual([]);
  });
});

describe('chat.translate', () => {
  beforeEach(() => {
    fake.reply = () => JSON.stringify({ translation: 'Hola, amigo', confidence: 0.8 });
  });

  it('gives a free user three a day, stores them, and refuses the fourth', async () => {
    const { user, accessToken } = await createUser(t);
    const headers = { authorization: `Bearer ${accessToken}` };
    const input = { text: 'Hello, friend', fromLanguage: 'en', toLanguage: 'es' };
    const first = await trpcCall(t, 'chat.translate', input, { headers });
    expect(first.results[0]).toEqual({
      originalText: 'Hello, friend',
      fromLanguage: 'en',
      toLanguage: 'es',
      translatedText: 'Hola, amigo',
      confidence: 0.8,
    });
    for (let index = 0; index < 2; index++)
      expect((await trpcCall(t, 'chat.translate', input, { headers })).status).toBe(200);
    const fourth = await trpcCall(t, 'chat.translate', input, { headers });
    expect(fourth.codes).toEqual(['RATE_LIMITED']);
    const rows = await t.deps.db.select().from(translations).where(eq(translations.userId, user.id));
    expect(rows).toHaveLength(3);
  });

  it('gives an anonymous client three a day by its address', async () => {
    const input = { text: 'Hello, friend', fromLanguage: 'en', toLanguage: 'es' };
    const app = await createTestApp({ env: { AI_BASE_URL: fake.url, TRUSTED_PROXIES: 'loopback' } });
    try {
      const url = await app.listen();
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
      // Addresses of this run only: the count lives in the shared store for the day.
      const octet = () => Math.floor(Math.random() * 250) + 1;
      const client = `10.${octet()}.${octet()}.${octet()}`;
      for (let index = 0; index < 3; index++)
        expect((await trpcCall(url, 'chat.translate', input, from(client))).status).toBe(200);
      expect((await trpcCall(url, 'chat.translate', input, from(client))).codes).toEqual(['RATE_LIMITED']);
      expect(
        (await trpcCall(url, 'chat.translate', input, from(`10.${octet()}.${octet()}.${octet()}`))).status,
      ).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers bundled phrases without a provider, and the text unchanged for the rest, marked', async () => {
    const known = await trpcCall(bare, 'chat.translate', {
      text: 'hello',
      fromLanguage: 'en',
      toLanguage: 'fr',
    });
    expect(known.results[0]).toMatchObject({ translatedText: 'Bonjour !', fallback: true });
    const unknown = await trpcCall(bare, 'chat.translate', {
      text: 'The cat sleeps',
      fromLanguage: 'en',
      toLanguage: 'fr',
    });
    expect(unknown.results[0]).toMatchObject({
      translatedText: 'The cat sleeps',
      confidence: 0,
      fallback: true,
    });
  });

  it('answers a bundled phrase while the provider fails, and the typed error for the rest, counting nothing', async () => {
    const { user, authorization } = await createUser(t);
    fake.setDefault({ kind: 'status', status: 503 });
    const known = await trpcCall(
      t,
      'chat.translate',
      { text: 'Hello!', fromLanguage: 'en', toLanguage: 'de' },
      { headers: { authorization } },
    );
    expect(known.results[0]).toMatchObject({ translatedText: 'Hallo!', fallback: true });
    const unknown = await trpcCall(
      t,
      'chat.translate',
      { text: 'The cat sleeps', fromLanguage: 'en', toLanguage: 'de' },
      { headers: { authorization } },
    );
    expect(unknown.status).toBe(503);
    expect(unknown.response.headers.get('retry-after')).not.toBeNull();
    expect(await t.deps.db.select().from(translations).where(eq(translations.userId, user.id))).toEqual([]);
  });
});

describe('chat.getConversationStarters', () => {
  it('answers the bundled starters of a language and level, English for a language without its own', async () => {
    const spanish = await trpcCall(bare, 'chat.getConversationStarters', { language: 'es' });
    expect(spanish.results[0]).toEqual([
      '¡Hola! ¿Cómo estás?',
      '¿Cómo te llamas?',
      '¿De dónde eres?',
      '¿Qué te gusta hacer?',
    ]);
    const korean = await trpcCall(bare, 'chat.getConversationStarters', {
      language: 'ko',
      level: 'advanced',
    });
    expect((korean.results[0] as string[])[0]).toMatch(/technology/);
  });

  it('asks the model for a topic once and shares its starters, and falls back when it fails', async () => {
    fake.reply = () =>
      JSON.stringify({ starters: ['¿Juegas al fútbol?', '¿Qué equipo te gusta?', '¿Ves los partidos?'] });
    const topic = `football ${crypto.randomUUID()}`;
    const first = await trpcCall(t, 'chat.getConversationStarters', { language: 'es', topic });
    const second = await trpcCall(t, 'chat.getConversationStarters', { language: 'es', topic });
    expect(first.results[0]).toEqual(['¿Juegas al fútbol?', '¿Qué equipo te gusta?', '¿Ves los partidos?']);
    expect(second.results[0]).toEqual(first.results[0]);
    expect(chatRequests()).toHaveLength(1);
    fake.setDefault({ kind: 'status', status: 400 });
    const failed = await trpcCall(t, 'chat.getConversationStarters', { language: 'es', topic: 'cooking' });
    expect(failed.status).toBe(200);
    expect((failed.results[0] as string[])[0]).toBe('¡Hola! ¿Cómo estás?');
  });
});

describe('stored rows', () => {
  it('links a reply to the message it answers', async () => {
    const { user, client } = await createUser(t);
    const result = await client.chat.sendMessage.mutate({ message: 'hola', language: 'es' });
    const [reply] = await t.deps.db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.userId, user.id), eq(chatMessages.isUser, false)));
    expect(reply!.replyToId).toBe(result.userMessage.id);
  });
});
