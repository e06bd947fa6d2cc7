import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { m4aFile, mp3File, oggOpusFile, textFile, wavFile, webmFile } from '../../../test/audio-fixtures.js';
import { createUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trickleMultipart } from '../../../test/uploads.js';

const API_KEY = 'sk-test-secret-key-0123456789';

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
  fake.transcript = { text: 'hola buenos días', language: 'es' };
});

function audioForm(
  bytes: Buffer,
  type: string,
  fields: Record<string, string> = {},
  filename = 'recording.bin',
): FormData {
  const form = new FormData();
  form.set('audio', new Blob([bytes], { type }), filename);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

const post = (app: TestApp, path: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body, headers });

const transcriptionRequests = () =>
  fake.requests.filter((request) => request.path === '/v1/audio/transcriptions');

describe('POST /api/stt/transcribe', () => {
  it('transcribes a recording and sends the provider the file, its detected type and the fields', async () => {
    const wav = wavFile();
    const response = await post(
      t,
      '/api/stt/transcribe',
      audioForm(wav, 'audio/wav', { language: 'es-ES', formatting: 'enhanced' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('ratelimit-limit')).toBe('60');
    expect(await response.json()).toEqual({ text: 'Hola buenos días.', language: 'es-ES', confidence: 0.9 });

    const [sent] = transcriptionRequests();
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent?.fields).toMatchObject({
      model: ['whisper-1'],
      language: ['es'],
      response_format: ['verbose_json'],
      'timestamp_granularities[]': ['word', 'segment'],
    });
    expect(sent?.files).toEqual([{ field: 'file', name: 'audio.wav', type: 'audio/wav', size: wav.length }]);
  });

  it.each([
    ['webm with codec parameters', webmFile(), 'audio/webm;codecs=opus', 'audio.webm'],
    ['ogg opus', oggOpusFile(), 'audio/ogg', 'audio.ogg'],
    ['mp3', mp3File({ id3: true }), 'audio/mpeg', 'audio.mp3'],
    ['m4a declared as the app does on iOS', m4aFile(), 'audio/m4a', 'audio.m4a'],
    ['a wav declared as audio/webm: the bytes decide', wavFile(), 'audio/webm', 'audio.wav'],
    ['no declared type at all', oggOpusFile(), '', 'audio.ogg'],
  ])('accepts %s', async (_, bytes, type, sentName) => {
    const response = await post(t, '/api/stt/transcribe', audioForm(bytes, type));
    expect(response.status).toBe(200);
    expect(transcriptionRequests()[0]?.files?.[0]?.name).toBe(sentName);
  });

  it('refuses text sent as audio/mpeg, without calling the provider', async () => {
    const response = await post(
      t,
      '/api/stt/transcribe',
      audioForm(textFile(), 'audio/mpeg', {}, 'song.mp3'),
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('Invalid audio format'),
      requestId: expect.any(String),
      issues: [{ path: 'audio', code: 'invalid_format' }],
    });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [
      'a JSON body',
      () => JSON.stringify({ audio: 'x' }),
      { 'content-type': 'application/json' },
      'Expected multipart/form-data',
    ],
    ['a form without audio', () => withField('language', 'es'), {}, 'No audio file provided'],
    ['audio as a text value', () => withField('audio', 'not a file'), {}, 'Invalid audio file format'],
    ['an empty file', () => audioForm(Buffer.alloc(0), 'audio/webm'), {}, 'Audio file is empty'],
    [
      'a malformed multipart body',
      () => '--nope\r\n',
      { 'content-type': 'multipart/form-data; boundary=x' },
      'Malformed',
    ],
  ])('answers 400 for %s', async (_, body, headers, message) => {
    const response = await post(t, '/api/stt/transcribe', body() as RequestInit['body'], headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining(message),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['language', { language: 'english please' }, 'Invalid language code format'],
    ['formatting', { formatting: 'fancy' }, 'Invalid option'],
    ['alternatives', { alternatives: 'yes' }, 'Invalid option'],
  ])('answers 400 VALIDATION_ERROR naming a bad %s', async (field, fields, message) => {
    const response = await post(t, '/api/stt/transcribe', audioForm(wavFile(), 'audio/wav', fields));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining(message),
      issues: [expect.objectContaining({ path: field })],
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('with autoDetectLanguage, sends no language hint and answers the language the provider detected', async () => {
    fake.transcript = { text: 'bonjour tout le monde', language: 'french' };
    const response = await post(
      t,
      '/api/stt/transcribe',
      audioForm(wavFile(), 'audio/wav', { language: 'es', autoDetectLanguage: 'true' }),
    );
    expect(await response.json()).toMatchObject({ text: 'bonjour tout le monde', language: 'fr' });
    expect(transcriptionRequests()[0]?.fields?.language).toBeUndefined();
  });

  it('without a language, answers the detected one; punctuation off strips it; alternatives come when asked', async () => {
    fake.transcript = { text: '¿Dónde está   la estación?', language: 'spanish' };
    const response = await post(
      t,
      '/api/stt/transcribe',
      audioForm(wavFile(), 'audio/wav', { punctuation: 'false', alternatives: 'true', formatting: 'basic' }),
    );
    expect(await response.json()).toEqual({
      text: 'Dónde está la estación',
      language: 'es',
      confidence: 0.9,
      alternatives: [],
    });
  });

  it('answers the same at /api/stt, and 400 for the fallback empty post instead of mock text', async () => {
    const withAudio = await post(t, '/api/stt', audioForm(wavFile(), 'audio/wav'));
    expect(withAudio.status).toBe(200);
    expect(await withAudio.json()).toMatchObject({ text: 'hola buenos días' });
    const empty = await t.request('/api/stt', { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Expected multipart/form-data',
    });
  });

  it('answers 413 for a declared length over the limit', async () => {
    const response = await post(t, '/api/stt/transcribe', audioForm(wavFile(100_000), 'audio/wav'));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 413 while a chunked upload is still being sent, long before its end', async () => {
    const { answer, sent } = await trickleMultipart(t, '/api/stt/transcribe', 5_000_000);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(sent).toBeLessThan(500_000);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('GET /api/stt/health', () => {
  it('says the provider is configured and its circuit, without its address or key', async () => {
    const response = await t.request('/api/stt/health');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      ok: true,
      service: 'speech-to-text',
      configured: true,
      circuit: 'closed',
      rate: { windowMs: 60_000, max: 60 },
    });
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(API_KEY);
  });
});

describe('degraded mode', () => {
  it('without a provider: 503 with Retry-After at once, and health says so', async () => {
    const bare = await createTestApp({ env: { AI_BASE_URL: undefined } });
    try {
      const started = performance.now();
      const response = await post(bare, '/api/stt/transcribe', audioForm(wavFile(), 'audio/wav'));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(await (await bare.request('/api/stt/health')).json()).toMatchObject({
        ok: false,
        configured: false,
        circuit: null,
      });
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
      fake.queue({ kind: 'status', status: 500 });
      // Past the first call the provider never answers: only an open breaker answers at once.
      fake.setDefault({ kind: 'hang' });
      const failed = await post(own, '/api/stt/transcribe', audioForm(wavFile(), 'audio/wav'));
      expect(failed.status).toBe(503);
      expect(fake.requests).toHaveLength(1);

      const started = performance.now();
      const refused = await post(own, '/api/stt/transcribe', audioForm(wavFile(), 'audio/wav'));
      const elapsed = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(30);
      expect(elapsed).toBeLessThan(500);
      expect(fake.requests).toHaveLength(1);
      expect(await (await own.request('/api/stt/health')).json()).toMatchObject({
        ok: false,
        circuit: 'open',
      });
    } finally {
      await own.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the stt budget, counted per user when signed in', async () => {
    const own = await createTestApp({
      env: { AI_BASE_URL: fake.url },
      rateLimits: { policies: { stt: { points: 2 } } },
    });
    try {
      const user = await createUser(own);
      const send = (headers: Record<string, string> = {}) =>
        post(own, '/api/stt/transcribe', audioForm(wavFile(), 'audio/wav'), headers);
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(fake.requests).toHaveLength(2);

      const signedIn = await send({ authorization: user.authorization });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('ratelimit-remaining')).toBe('1');
    } finally {
      await own.close();
    }
  });
});

function withField(name: string, value: string): FormData {
  const form = new FormData();
  form.set(name, value);
  return form;
}
