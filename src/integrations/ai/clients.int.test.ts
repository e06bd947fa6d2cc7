import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeProvider, TINY_PNG_BASE64 } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { clientsFor, rejectionOf } from '../../../test/outbound.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('chat completions', () => {
  it('sends the model, the messages and the options the OpenAI API names', async () => {
    fake.reply = () => '{"reply":"hola"}';
    const completion = await clientsFor(fake).llm.complete({
      messages: [
        { role: 'system', content: 'You are a tutor.' },
        { role: 'user', content: 'hola' },
      ],
      json: true,
      temperature: 0.2,
      maxTokens: 300,
    });
    expect(completion).toEqual({
      text: '{"reply":"hola"}',
      model: 'test-chat',
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: 10 },
    });
    const [request] = fake.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.json).toEqual({
      model: 'test-chat',
      messages: [
        { role: 'system', content: 'You are a tutor.' },
        { role: 'user', content: 'hola' },
      ],
      stream: false,
      temperature: 0.2,
      max_tokens: 300,
      response_format: { type: 'json_object' },
    });
  });

  it('streams the reply as it is generated', async () => {
    fake.reply = () => 'Buenos días, ¿qué tal?';
    const chunks = await collect(
      clientsFor(fake).llm.stream({ messages: [{ role: 'user', content: 'hola' }] }),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe('Buenos días, ¿qué tal?');
    expect(fake.requests[0]!.json?.stream).toBe(true);
  });

  it('ends a stream cut midway with UPSTREAM_ERROR, after the text that did arrive', async () => {
    fake.reply = () => 'Buenos días, ¿qué tal?';
    fake.queue({ kind: 'cut-stream', afterChunks: 2 });
    const received: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const chunk of clientsFor(fake).llm.stream({ messages: [{ role: 'user', content: 'x' }] }))
          received.push(chunk);
      })(),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(received.join('')).toBe('Buenos d');
    // Text had flowed: nothing is retried.
    expect(fake.requests).toHaveLength(1);
  });

  it('ends a stream that stalls longer than the attempt timeout with TIMEOUT', async () => {
    fake.chunkDelayMs = 400;
    const error = await rejectionOf(
      collect(
        clientsFor(fake, { attemptTimeoutMs: 150 }).llm.stream({
          messages: [{ role: 'user', content: 'x' }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'TIMEOUT' });
  });

  it('retries opening a stream the provider refused with a 5xx', async () => {
    fake.queue({ kind: 'status', status: 503 });
    const chunks = await collect(clientsFor(fake).llm.stream({ messages: [{ role: 'user', content: 'x' }] }));
    expect(chunks.join('')).toBe('¡Hola! ¿Cómo estás?');
    expect(fake.requests).toHaveLength(2);
  });
});

describe('speech to text', () => {
  it('uploads the audio as multipart and reads words, language and confidence', async () => {
    fake.transcript = {
      text: ' hola buenos días ',
      language: 'spanish',
      words: [
        { word: 'hola', start: 0, end: 0.4 },
        { word: 'buenos', start: 0.5, end: 0.9 },
        { word: 'días', start: 1, end: 1.4 },
      ],
    };
    const audio = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])], { type: 'audio/webm' });
    const transcription = await clientsFor(fake).stt.transcribe({
      audio,
      filename: 'clip.webm',
      language: 'es',
      prompt: 'hola buenos días',
    });
    expect(transcription).toEqual({
      text: 'hola buenos días',
      language: 'spanish',
      durationSeconds: 3,
      confidence: 0.9,
      words: [
        { word: 'hola', start: 0, end: 0.4, confidence: 0.9 },
        { word: 'buenos', start: 0.5, end: 0.9, confidence: 0.9 },
        { word: 'días', start: 1, end: 1.4, confidence: 0.9 },
      ],
    });
    const [request] = fake.requests;
    expect(request!.path).toBe('/v1/audio/transcriptions');
    expect(request!.fields).toMatchObject({
      model: ['test-whisper'],
      response_format: ['verbose_json'],
      language: ['es'],
      prompt: ['hola buenos días'],
      'timestamp_granularities[]': ['word', 'segment'],
    });
    expect(request!.files).toEqual([{ field: 'file', name: 'clip.webm', type: 'audio/webm', size: 7 }]);
  });

  it('sends the whole upload again on a retry', async () => {
    fake.queue({ kind: 'status', status: 500 });
    const audio = new Blob([new Uint8Array(1_000)], { type: 'audio/wav' });
    await clientsFor(fake).stt.transcribe({ audio, filename: 'a.wav' });
    expect(fake.requests.map((request) => request.files?.[0]?.size)).toEqual([1_000, 1_000]);
  });
});

describe('images', () => {
  it('generates an image as base64', async () => {
    const image = await clientsFor(fake).images.generate({ prompt: 'a red apple', size: '512x512' });
    expect(image).toEqual({ base64Data: TINY_PNG_BASE64, mimeType: 'image/png' });
    expect(fake.requests[0]!.json).toEqual({
      model: 'test-image',
      prompt: 'a red apple',
      n: 1,
      size: '512x512',
    });
  });

  it('edits images sent as multipart files', async () => {
    const data = new Blob([Buffer.from(TINY_PNG_BASE64, 'base64')], { type: 'image/png' });
    const image = await clientsFor(fake).images.edit({
      prompt: 'make it blue',
      images: [{ data, filename: 'apple.png' }],
    });
    expect(image.mimeType).toBe('image/png');
    const [request] = fake.requests;
    expect(request!.path).toBe('/v1/images/edits');
    expect(request!.fields).toMatchObject({ model: ['test-image'], prompt: ['make it blue'] });
    expect(request!.files).toEqual([
      { field: 'image', name: 'apple.png', type: 'image/png', size: data.size },
    ]);
  });
});

describe('the providers in /api/health', () => {
  let t: TestApp;
  let bare: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { AI_BASE_URL: fake.url, AI_RETRIES: '0', AI_BREAKER_FAILURES: '1', AI_MODEL: 'tutor-model' },
    });
    bare = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    await bare.close();
  });

  it('shows each provider; an open breaker degrades the report while readiness stays up', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    const before = (await (await t.request('/api/health')).json()) as Record<string, unknown>;
    expect(before.status).toBe('ok');
    expect(before.providers).toEqual({
      llm: { configured: true, model: 'tutor-model', circuit: 'closed' },
      stt: { configured: true, model: 'whisper-1', circuit: 'closed' },
      images: { configured: true, model: 'gpt-image-1', circuit: 'closed' },
    });

    await rejectionOf(t.deps.ai.llm!.complete({ messages: [{ role: 'user', content: 'x' }] }));
    const after = (await (await t.request('/api/health')).json()) as Record<string, unknown>;
    expect(after.status).toBe('degraded');
    expect(after.providers).toMatchObject({ llm: { circuit: 'open' }, stt: { circuit: 'closed' } });
    expect((await t.request('/api/health/ready')).status).toBe(200);
  });

  it('says so when no provider is configured', async () => {
    const report = (await (await bare.request('/api/health')).json()) as Record<string, unknown>;
    expect(report.status).toBe('ok');
    expect(report.providers).toEqual({
      llm: { configured: false },
      stt: { configured: false },
      images: { configured: false },
    });
  });
});
