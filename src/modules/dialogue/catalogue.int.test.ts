import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, type TrpcClient } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';

const GREETINGS = '550e8400-e29b-41d4-a716-446655440001';
const RESTAURANT = '550e8400-e29b-41d4-a716-446655440002';
const SHOPPING = '550e8400-e29b-41d4-a716-446655440003';
const MEETING_SOMEONE_NEW = '660e8400-e29b-41d4-a716-446655440001';
const ASKING_ABOUT_SOMEONE = '660e8400-e29b-41d4-a716-446655440002';
const ORDERING_A_MEAL = '660e8400-e29b-41d4-a716-446655440003';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestApp;
let anonymous: TrpcClient;
beforeAll(async () => {
  t = await createTestApp();
  anonymous = await t.trpc();
});
afterAll(() => t.close());

describe('dialogue.getTopics', () => {
  it('answers anyone with the contract topics and their real scene counts', async () => {
    const topics = await anonymous.dialogue.getTopics.query();
    expect(topics.slice(0, 3)).toEqual([
      {
        id: GREETINGS,
        title: 'Greetings & Introductions',
        description: expect.any(String),
        icon: expect.any(String),
        sceneCount: 3,
        completedCount: 0,
      },
      expect.objectContaining({
        id: RESTAURANT,
        title: 'At the Restaurant',
        sceneCount: 4,
        completedCount: 0,
      }),
      expect.objectContaining({ id: SHOPPING, title: 'Shopping', sceneCount: 3, completedCount: 0 }),
    ]);
    for (const topic of topics) {
      const scenes = await anonymous.dialogue.getScenes.query({ topicId: topic.id });
      expect(scenes.length, topic.title).toBe(topic.sceneCount);
    }
  });

  it('is a publicly cacheable read: the same answer to a caller who has completed a scene', async () => {
    const user = await createUser(t);
    const session = await user.client.dialogue.startSession.mutate({
      sceneId: MEETING_SOMEONE_NEW,
      difficulty: 'beginner',
    });
    await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello, my name is Ana' });
    await user.client.dialogue.endSession.mutate({ sessionId: session.id });

    const asUser = await trpcCall(t, 'dialogue.getTopics', undefined, {
      headers: { authorization: user.authorization },
    });
    const asAnyone = await trpcCall(t, 'dialogue.getTopics');
    expect(asUser.codes).toEqual(['OK']);
    expect(asUser.results).toEqual(asAnyone.results);
    expect(asAnyone.response.headers.get('cache-control')).toMatch(/^public/);
  });
});

describe('dialogue.getScenes', () => {
  it("answers a topic's scenes in course order, in the contract shape", async () => {
    const scenes = await anonymous.dialogue.getScenes.query({ topicId: GREETINGS });
    expect(scenes.map((scene) => scene.id).slice(0, 2)).toEqual([MEETING_SOMEONE_NEW, ASKING_ABOUT_SOMEONE]);
    const [meeting] = scenes;
    expect(meeting).toEqual({
      id: MEETING_SOMEONE_NEW,
      topicId: GREETINGS,
      title: 'Meeting Someone New',
      description: expect.any(String),
      level: 'beginner',
      goal: expect.any(String),
      keyPhrases: ['hello', 'my name is', 'nice to meet you'],
      tags: expect.arrayContaining(['greetings']),
      starterTurns: [
        { id: expect.stringMatching(UUID), role: 'system', text: expect.any(String), lang: 'en' },
        { id: expect.stringMatching(UUID), role: 'npc', text: expect.any(String), lang: 'en' },
      ],
    });
    expect(scenes[1]).toMatchObject({ title: 'Asking About Someone', level: 'intermediate' });
  });

  it('gives starter turns ids that differ from each other and stay the same from read to read', async () => {
    const first = await anonymous.dialogue.getScenes.query({ topicId: RESTAURANT });
    const again = await trpcCall(t, 'dialogue.getScenes', { topicId: RESTAURANT });
    const ids = first.flatMap((scene) => scene.starterTurns.map((turn) => turn.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect((again.results[0] as typeof first).flatMap((s) => s.starterTurns.map((turn) => turn.id))).toEqual(
      ids,
    );
    expect(first.map((scene) => scene.id)).toContain(ORDERING_A_MEAL);
  });

  it('answers an unknown topic with NOT_FOUND, not an empty list or a 500', async () => {
    await expect(
      anonymous.dialogue.getScenes.query({ topicId: '550e8400-e29b-41d4-a716-4466554400ff' }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
  });

  it.each([[{}], [{ topicId: 'greetings' }], [{ topicId: 42 }], [{ topicId: `${GREETINGS}' OR 1=1 --` }]])(
    'refuses bad input with 400: %o',
    async (input) => {
      const answer = await trpcCall(t, 'dialogue.getScenes', input);
      expect(answer.status).toBe(400);
      expect(answer.codes).toEqual(['VALIDATION_ERROR']);
    },
  );
});

describe('dialogue.scoreSemantic', () => {
  it('scores the share of goal words a text covers, for anyone', async () => {
    await expect(
      anonymous.dialogue.scoreSemantic.mutate({
        text: 'I would like to order some food',
        goal: 'Order food.',
        lang: 'en',
      }),
    ).resolves.toEqual({ semantic: 1, feedback: 'Great! Your response aligns well with the goal.' });
    await expect(
      anonymous.dialogue.scoreSemantic.mutate({
        text: 'Un café',
        goal: 'pedir un cafe con leche',
        lang: 'es',
      }),
    ).resolves.toEqual({ semantic: 0.4, feedback: 'Good attempt. Try to include more key concepts.' });
    await expect(
      anonymous.dialogue.scoreSemantic.mutate({ text: 'hello', goal: '', lang: 'en' }),
    ).resolves.toEqual({ semantic: 0, feedback: "Let's focus on the main goal of the conversation." });
  });

  it.each([
    [{ text: '', goal: 'greet', lang: 'en' }],
    [{ text: '   ', goal: 'greet', lang: 'en' }],
    [{ text: 'x'.repeat(2001), goal: 'greet', lang: 'en' }],
    [{ text: 'hello', goal: 'g'.repeat(2001), lang: 'en' }],
    [{ text: 'hello', lang: 'en' }],
    [{ text: 'hello', goal: 'greet' }],
    [{ text: 'hel\u0000lo', goal: 'greet', lang: 'en' }],
  ])('refuses bad input with 400: %#', async (input) => {
    const answer = await trpcCall(t, 'dialogue.scoreSemantic', input);
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
  });
});

describe('dialogue.getTopicProgress', () => {
  it("counts the caller's completed scenes per topic, and nobody else's", async () => {
    const ana = await createUser(t);
    const ben = await createUser(t);
    const initial = await ana.client.dialogue.getTopicProgress.query();
    const topics = await anonymous.dialogue.getTopics.query();
    expect(initial).toEqual(
      topics.map((topic) => ({ topicId: topic.id, sceneCount: topic.sceneCount, completedCount: 0 })),
    );

    // Completed twice, counted once: a beginner session that uses one key phrase.
    for (let round = 0; round < 2; round++) {
      const session = await ana.client.dialogue.startSession.mutate({
        sceneId: MEETING_SOMEONE_NEW,
        difficulty: 'beginner',
      });
      await ana.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello! I am Ana.' });
      await ana.client.dialogue.endSession.mutate({ sessionId: session.id });
    }
    // Not completed: intermediate asks for two distinct key phrases, the session used one.
    const partial = await ana.client.dialogue.startSession.mutate({
      sceneId: ASKING_ABOUT_SOMEONE,
      difficulty: 'intermediate',
    });
    await ana.client.dialogue.submitTurn.mutate({ sessionId: partial.id, text: 'So what do you do?' });
    await ana.client.dialogue.endSession.mutate({ sessionId: partial.id });
    // Not completed: never ended.
    const open = await ana.client.dialogue.startSession.mutate({
      sceneId: ORDERING_A_MEAL,
      difficulty: 'beginner',
    });
    await ana.client.dialogue.submitTurn.mutate({ sessionId: open.id, text: "I'd like the soup" });

    const progress = await ana.client.dialogue.getTopicProgress.query();
    expect(progress.find((topic) => topic.topicId === GREETINGS)?.completedCount).toBe(1);
    expect(progress.find((topic) => topic.topicId === RESTAURANT)?.completedCount).toBe(0);
    expect(
      (await ben.client.dialogue.getTopicProgress.query()).every((topic) => topic.completedCount === 0),
    ).toBe(true);
  });
});
