import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textFile, wavFile } from '../../../test/audio-fixtures.js';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider, TINY_PNG_BASE64 } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trickleMultipart } from '../../../test/uploads.js';

const API_KEY = 'sk-toolkit-secret-0123456789';

let fake: FakeProvider;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({
    env: {
      AI_BASE_URL: fake.url,
      AI_API_KEY: API_KEY,
      AI_BACKOFF_INITIAL_MS: '1',
      UPLOAD_LIMIT_BYTES: '65536',
    },
  });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.transcript = { text: 'hello there', language: 'en' };
});

const postJson = (app: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const png = () => Buffer.from(TINY_PNG_BASE64, 'base64');

describe('POST /api/toolkit/text/llm', () => {
  it.each(['/api/toolkit/text/llm', '/api/toolkit/text/llm/', '/api/toolkit/v1/text/llm'])(
    'answers { completion } at %s, with personal data redacted before it leaves',
    async (path) => {
      const response = await postJson(t, path, {
        messages: [
          { role: 'system', content: 'You are a tutor.' },
          { role: 'user', content: 'Write to me at ana@example.com or call +44 20 7946 0958' },
        ],
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ completion: '¡Hola! ¿Cómo estás?' });
      const [sent] = fake.requests;
      expect(sent?.path).toBe('/v1/chat/completions');
      expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(sent?.json?.messages).toEqual([
        { role: 'system', content: 'You are a tutor.' },
        { role: 'user', content: 'Write to me at [REDACTED] or call [REDACTED]' },
      ]);
    },
  );

  it('joins the AI SDK text parts of a message', async () => {
    const response = await postJson(t, '/api/toolkit/text/llm', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: 'two' },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(fake.requests[0]?.json?.messages).toEqual([{ role: 'user', content: 'one\n\ntwo' }]);
  });

  it.each([
    ['no messages', { messages: [] }, 'VALIDATION_ERROR'],
    ['an unknown role', { messages: [{ role: 'tool', content: 'x' }] }, 'VALIDATION_ERROR'],
    [
      'too many messages',
      { messages: Array.from({ length: 51 }, () => ({ role: 'user', content: 'x' })) },
      'VALIDATION_ERROR',
    ],
    ['a body that is not JSON', '{"messages": [', 'BAD_REQUEST'],
  ])('answers 400 for %s, calling no provider', async (_, body, code) => {
    const response = await postJson(t, '/api/toolkit/text/llm', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code, requestId: expect.any(String) });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 413 for a body over BODY_LIMIT_BYTES', async () => {
    const response = await postJson(t, '/api/toolkit/text/llm', {
      messages: Array.from({ length: 10 }, () => ({ role: 'user', content: 'x'.repeat(15_000) })),
    });
    expect(response.status).toBe(413);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('POST /api/toolkit/v1/stt/transcribe', () => {
  it.each(['/api/toolkit/v1/stt/transcribe', '/api/toolkit/stt/transcribe'])(
    'transcribes a multipart upload at %s',
    async (path) => {
      const form = new FormData();
      form.set('audio', new Blob([wavFile()], { type: 'audio/webm' }), 'a.webm');
      form.set('language', 'en');
      const response = await t.request(path, { method: 'POST', body: form });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ text: 'hello there', language: 'en', confidence: 0.9 });
      expect(fake.requests[0]?.files?.[0]).toMatchObject({ name: 'audio.wav', type: 'audio/wav' });
    },
  );

  it('refuses text sent as audio and a body that is not multipart', async () => {
    const form = new FormData();
    form.set('audio', new Blob([textFile()], { type: 'audio/mpeg' }), 'a.mp3');
    expect((await t.request('/api/toolkit/v1/stt/transcribe', { method: 'POST', body: form })).status).toBe(
      400,
    );
    const json = await postJson(t, '/api/toolkit/v1/stt/transcribe', { audio: 'x' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ message: 'Expected multipart/form-data' });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 413 while a chunked upload is still being sent', async () => {
    const { answer, sent } = await trickleMultipart(t, '/api/toolkit/v1/stt/transcribe', 5_000_000);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(sent).toBeLessThan(500_000);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('POST /api/toolkit/v1/images/generate', () => {
  it('answers the image and its size; the prompt is redacted', async () => {
    const response = await postJson(t, '/api/toolkit/v1/images/generate', {
      prompt: 'A cat holding a card 4111 1111 1111 1111',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      image: { base64Data: TINY_PNG_BASE64, mimeType: 'image/png' },
      size: '1024x1024',
    });
    expect(fake.requests[0]?.path).toBe('/v1/images/generations');
    expect(fake.requests[0]?.json).toMatchObject({
      prompt: 'A cat holding a card [REDACTED]',
      size: '1024x1024',
    });
  });

  it('refuses a size the providers do not make', async () => {
    const response = await postJson(t, '/api/toolkit/v1/images/generate', { prompt: 'a cat', size: '3x3' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'size' }] });
  });
});

describe('POST /api/toolkit/v1/images/edit', () => {
  it('edits images sent as JSON base64 (data URLs too)', async () => {
    const response = await postJson(t, '/api/toolkit/v1/images/edit', {
      prompt: 'make it blue',
      images: [
        { type: 'image', image: TINY_PNG_BASE64 },
        { type: 'image', image: `data:image/png;base64,${TINY_PNG_BASE64}` },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ image: { base64Data: TINY_PNG_BASE64, mimeType: 'image/png' } });
    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v1/images/edits');
    expect(sent?.fields?.prompt).toEqual(['make it blue']);
    expect(sent?.files?.map((file) => [file.field, file.name, file.type])).toEqual([
      ['image[]', 'image-1.png', 'image/png'],
      ['image[]', 'image-2.png', 'image/png'],
    ]);
  });

  it('edits an image sent as multipart', async () => {
    const form = new FormData();
    form.set('prompt', 'add a hat');
    form.set('image', new Blob([png()], { type: 'application/octet-stream' }), 'cat.bin');
    const response = await t.request('/api/toolkit/v1/images/edit', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(fake.requests[0]?.files).toEqual([
      { field: 'image', name: 'image-1.png', type: 'image/png', size: png().length },
    ]);
  });

  it.each([
    [
      'an image that is audio',
      { prompt: 'x', images: [{ type: 'image', image: wavFile().toString('base64') }] },
      'images.0',
    ],
    ['no images', { prompt: 'x', images: [] }, 'images'],
    [
      'an image that is not base64',
      { prompt: 'x', images: [{ type: 'image', image: '%%%' }] },
      'images.0.image',
    ],
  ])('refuses %s', async (_, body, path) => {
    const response = await postJson(t, '/api/toolkit/v1/images/edit', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      issues: [expect.objectContaining({ path })],
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a multipart edit without image files', async () => {
    const form = new FormData();
    form.set('prompt', 'add a hat');
    const response = await t.request('/api/toolkit/v1/images/edit', { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'images' }] });
  });
});

describe('GET /api/toolkit/health', () => {
  it('lists each provider and the budgets, without addresses or keys', async () => {
    const response = await t.request('/api/toolkit/health');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      ok: true,
      service: 'toolkit',
      providers: {
        llm: { configured: true, circuit: 'closed' },
        stt: { configured: true, circuit: 'closed' },
        images: { configured: true, circuit: 'closed' },
      },
      rate: { windowMs: 60_000, max: 60 },
      quota: { windowMs: 86_400_000, max: 500 },
    });
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(API_KEY);
  });
});

describe('degraded mode', () => {
  it('without providers: 503 with Retry-After at once on every route, spending no budget', async () => {
    const bare = await createTestApp({ env: { AI_BASE_URL: undefined } });
    try {
      const calls = [
        () => postJson(bare, '/api/toolkit/text/llm', { messages: [{ role: 'user', content: 'hi' }] }),
        () => postJson(bare, '/api/toolkit/v1/images/generate', { prompt: 'a cat' }),
        () => postJson(bare, '/api/toolkit/v1/images/edit', { prompt: 'x', images: [] }),
        () => bare.request('/api/toolkit/v1/stt/transcribe', { method: 'POST' }),
      ];
      for (const call of calls) {
        const response = await call();
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(response.headers.get('ratelimit-limit')).toBeNull();
        expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      }
      expect(await (await bare.request('/api/toolkit/health')).json()).toMatchObject({ ok: false });
    } finally {
      await bare.close();
    }
  });

  it('with the breaker open: fails fast with 503 and does not call the provider', async () => {
    const own = await createTestApp({
      env: {
        AI_BASE_URL: fake.url,
        AI_RETRIES: '0',
        AI_BREAKER_FAILURES: '1',
        AI_BREAKER_HALF_OPEN_MS: '60000',
      },
    });
    try {
      const body = { messages: [{ role: 'user', content: 'hi' }] };
      fake.queue({ kind: 'status', status: 503 });
      // Past the first call the provider never answers: only an open breaker answers at once.
      fake.setDefault({ kind: 'hang' });
      expect((await postJson(own, '/api/toolkit/text/llm', body)).status).toBe(503);
      const started = performance.now();
      const refused = await postJson(own, '/api/toolkit/text/llm', body);
      expect(performance.now() - started).toBeLessThan(500);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30);
      expect(fake.requests).toHaveLength(1);
      expect(await (await own.request('/api/toolkit/health')).json()).toMatchObject({
        ok: false,
        providers: { llm: { circuit: 'open' } },
      });
    } finally {
      await own.close();
    }
  });
});

describe('rate limit and daily quota', () => {
  it('answers 429 past the per-minute budget', async () => {
    const own = await createTestApp({
      env: { AI_BASE_URL: fake.url },
      rateLimits: { policies: { toolkit: { points: 2 } } },
    });
    try {
      const body = { messages: [{ role: 'user', content: 'hi' }] };
      expect((await postJson(own, '/api/toolkit/text/llm', body)).status).toBe(200);
      expect((await postJson(own, '/api/toolkit/v1/images/generate', { prompt: 'a cat' })).status).toBe(200);
      const refused = await postJson(own, '/api/toolkit/text/llm', body);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(fake.requests).toHaveLength(2);
    } finally {
      await own.close();
    }
  });

  it('answers 429 past the daily quota, counted per user when signed in', async () => {
    const own = await createTestApp({
      env: { AI_BASE_URL: fake.url },
      rateLimits: { policies: { 'toolkit-daily': { points: 2 } } },
    });
    try {
      const user = await createUser(own);
      const body = { messages: [{ role: 'user', content: 'hi' }] };
      const send = (headers: Record<string, string> = {}) =>
        postJson(own, '/api/toolkit/text/llm', body, headers);
      expect((await send()).status).toBe(200);
      const last = await send();
      expect(last.status).toBe(200);
      // The tighter of the two budgets is the one announced.
      expect(last.headers.get('ratelimit-limit')).toBe('2');
      expect(last.headers.get('ratelimit-remaining')).toBe('0');
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3_600);

      const signedIn = await send({ authorization: user.authorization });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('ratelimit-remaining')).toBe('1');
    } finally {
      await own.close();
    }
  });
});
