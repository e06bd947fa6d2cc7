import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oggOpusFile, textFile, wavFile } from '../../../test/audio-fixtures.js';
import { createUser, type TestUser } from '../../../test/factories.js';
import { type FakeProvider, startFakeProvider } from '../../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { MAX_AUDIO_BASE64_CHARS } from './schema.js';

let fake: FakeProvider;
let t: TestApp;
let user: TestUser;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({ env: { AI_BASE_URL: fake.url, AI_BACKOFF_INITIAL_MS: '1' } });
  user = await createUser(t);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const analyze = (app: TestApp, input: unknown, authorization: string | null = user.authorization) =>
  trpcCall(app, 'chat.analyzePronunciation', input, {
    type: 'mutation',
    headers: authorization ? { authorization } : {},
  });

describe('chat.analyzePronunciation', () => {
  it('transcribes the recording and scores it word by word against the target text', async () => {
    fake.transcript = { text: 'el pero come', language: 'es' };
    const wav = wavFile();
    const answer = await analyze(t, {
      audioData: wav.toString('base64'),
      targetText: 'El perro come.',
      language: 'es-ES',
    });
    expect(answer.codes).toEqual(['OK']);
    // The fake provider hears every word with probability 0.9: accuracy × (0.75 + 0.25 × 0.9).
    expect(answer.results[0]).toEqual({
      accuracy: 91,
      feedback: [
        { word: 'El', accuracy: 98, suggestion: 'Well pronounced.' },
        { word: 'perro', accuracy: 78, suggestion: '"perro" sounded like "pero": work on the "r" sound.' },
        { word: 'come', accuracy: 98, suggestion: 'Well pronounced.' },
      ],
      overallScore: 93,
      improvements: ['Practise these words slowly, syllable by syllable: "perro".'],
      transcript: 'el pero come',
    });

    const [sent] = fake.requests;
    expect(sent?.path).toBe('/v1/audio/transcriptions');
    expect(sent?.fields?.language).toEqual(['es']);
    expect(sent?.fields?.prompt).toBeUndefined();
    expect(sent?.files).toEqual([{ field: 'file', name: 'audio.wav', type: 'audio/wav', size: wav.length }]);
  });

  it('accepts a data URL and detects the format from the bytes', async () => {
    fake.transcript = { text: 'hola', language: 'es' };
    const answer = await analyze(t, {
      audioData: `data:audio/webm;codecs=opus;base64,${oggOpusFile().toString('base64')}`,
      targetText: 'hola',
      language: 'es',
    });
    expect(answer.codes).toEqual(['OK']);
    expect(fake.requests[0]?.files?.[0]?.name).toBe('audio.ogg');
  });

  it('refuses audio that is none, naming the field, without calling the provider', async () => {
    const answer = await analyze(t, {
      audioData: textFile().toString('base64'),
      targetText: 'hola',
      language: 'es',
    });
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(answer.items[0]?.error?.json.data.issues).toEqual([
      expect.objectContaining({ path: 'audioData', code: 'invalid_format' }),
    ]);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['audio over the cap', { audioData: 'A'.repeat(MAX_AUDIO_BASE64_CHARS + 4) }, 'audioData'],
    ['audio that is not base64', { audioData: 'not base64 at all!' }, 'audioData'],
    ['an empty target text', { targetText: '   ' }, 'targetText'],
    ['a bad language', { language: 'spanish please' }, 'language'],
  ])('answers VALIDATION_ERROR for %s', async (_, override, field) => {
    const answer = await analyze(t, {
      audioData: wavFile().toString('base64'),
      targetText: 'hola',
      language: 'es',
      ...override,
    });
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    expect(answer.items[0]?.error?.json.data.issues).toEqual([expect.objectContaining({ path: field })]);
    expect(fake.requests).toHaveLength(0);
  });

  it('needs a signed-in caller', async () => {
    const answer = await analyze(
      t,
      { audioData: wavFile().toString('base64'), targetText: 'hola', language: 'es' },
      null,
    );
    expect(answer.codes).toEqual(['UNAUTHORIZED']);
    expect(fake.requests).toHaveLength(0);
  });

  it('without a provider answers SERVICE_UNAVAILABLE with Retry-After at once', async () => {
    const bare = await createTestApp({ env: { AI_BASE_URL: undefined } });
    try {
      const caller = await createUser(bare);
      const answer = await analyze(
        bare,
        { audioData: wavFile().toString('base64'), targetText: 'hola', language: 'es' },
        caller.authorization,
      );
      expect(answer.status).toBe(503);
      expect(answer.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expect(Number(answer.response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await bare.close();
    }
  });
});
