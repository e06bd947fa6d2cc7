import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../../test/factories.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { trpcCall } from '../../../test/trpc-call.js';
import { dialogueSessions, dialogueTurns } from '../../db/schema/index.js';
import { REDACTED } from '../../lib/safety.js';

const MEETING_SOMEONE_NEW = '660e8400-e29b-41d4-a716-446655440001';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MINUTE = 60_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const start = (user: TestUser, difficulty: 'beginner' | 'intermediate' | 'advanced' = 'beginner') =>
  user.client.dialogue.startSession.mutate({ sceneId: MEETING_SOMEONE_NEW, difficulty });

/** A raw call as the user (or anonymously), for inputs the typed client would not send. */
const call = (path: string, input: unknown, user?: TestUser) =>
  trpcCall(t, `dialogue.${path}`, input, user ? { headers: { authorization: user.authorization } } : {});

const notFound = { data: { code: 'NOT_FOUND', httpStatus: 404 } };
const conflict = { data: { code: 'CONFLICT', httpStatus: 409 } };

describe('dialogue.startSession', () => {
  it('opens a session of a scene for the caller', async () => {
    const user = await createUser(t);
    const before = Date.now();
    const session = await start(user, 'intermediate');
    expect(session).toEqual({
      id: expect.stringMatching(UUID),
      sceneId: MEETING_SOMEONE_NEW,
      startedAt: expect.any(Number),
      turns: [],
      scores: [],
      difficulty: 'intermediate',
    });
    expect(session.startedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(session.startedAt).toBeLessThanOrEqual(Date.now() + 1000);
    const [row] = await t.deps.db.select().from(dialogueSessions).where(eq(dialogueSessions.id, session.id));
    expect(row?.userId).toBe(user.user.id);
  });

  it('answers an unknown scene with NOT_FOUND, not a 500', async () => {
    const user = await createUser(t);
    await expect(
      user.client.dialogue.startSession.mutate({ sceneId: UNKNOWN_ID, difficulty: 'beginner' }),
    ).rejects.toMatchObject(notFound);
  });

  it.each([
    [{ sceneId: MEETING_SOMEONE_NEW, difficulty: 'expert' }],
    [{ sceneId: MEETING_SOMEONE_NEW }],
    [{ sceneId: 'meeting', difficulty: 'beginner' }],
    [{ difficulty: 'beginner' }],
  ])('refuses bad input with 400: %o', async (input) => {
    const answer = await call('startSession', input, await createUser(t));
    expect(answer.status).toBe(400);
  });

  it('needs a signed-in caller', async () => {
    const answer = await call('startSession', { sceneId: MEETING_SOMEONE_NEW, difficulty: 'beginner' });
    expect(answer.status).toBe(401);
  });
});

describe('dialogue.submitTurn', () => {
  it('scores a turn against the scene, stores it and answers the score', async () => {
    const user = await createUser(t);
    const session = await start(user);
    // Keys of `meta` the server does not use are dropped, as the contract's free-form object allows.
    const meta = { timeMs: 2350, lang: 'en-GB', clientTurnId: 'ignored' };
    const answer = await user.client.dialogue.submitTurn.mutate({
      sessionId: session.id,
      text: 'Hello, my name is John',
      meta,
    });
    expect(answer).toEqual({
      score: {
        turnId: expect.stringMatching(UUID),
        accuracy: 1,
        fluency: 1,
        keywordsHit: ['hello', 'my name is'],
        feedback: expect.any(String),
      },
      coachFeedback: answer.score.feedback,
    });
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns).toEqual([
      { id: answer.score.turnId, role: 'user', text: 'Hello, my name is John', lang: 'en-GB', timeMs: 2350 },
    ]);
    expect(transcript.scores).toEqual([answer.score]);
  });

  it('scores without accents counting against the learner, and lower when the key phrase is misspelt', async () => {
    const user = await createUser(t);
    const session = await start(user, 'advanced');
    const exact = await user.client.dialogue.submitTurn.mutate({
      sessionId: session.id,
      text: 'Nice to meet you!',
    });
    const misspelt = await user.client.dialogue.submitTurn.mutate({
      sessionId: session.id,
      text: 'Nice to meat you',
    });
    expect(exact.score).toMatchObject({ accuracy: 1, keywordsHit: ['nice to meet you'] });
    // CER 1/16 against the advanced target of 0.12.
    expect(misspelt.score).toMatchObject({ accuracy: 0.479, fluency: 0.469, keywordsHit: [] });
    const accented = await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hélló!' });
    expect(accented.score).toMatchObject({ accuracy: 1, keywordsHit: ['hello'] });
  });

  it('stores a turn with its personal data redacted', async () => {
    const user = await createUser(t);
    const session = await start(user);
    const text = 'Hello, call me at 555-123-4567, mail john@example.com, card 4111 1111 1111 1111';
    const answer = await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text });
    expect(answer.score.accuracy).toBe(1);
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns[0]?.text).toBe(
      `Hello, call me at ${REDACTED}, mail ${REDACTED}, card ${REDACTED}`,
    );
    const stored = await t.deps.db
      .select()
      .from(dialogueTurns)
      .where(eq(dialogueTurns.sessionId, session.id));
    expect(JSON.stringify(stored)).not.toMatch(/555|john@|4111/);
  });

  it('keeps a turn that redaction lengthens within the stored bound', async () => {
    const user = await createUser(t);
    const session = await start(user);
    const text = 'a@b.co '.repeat(285).trim();
    expect(text.length).toBeLessThanOrEqual(2000);
    await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text });
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns[0]?.text.length).toBe(2000);
    expect(transcript.turns[0]?.text.startsWith(`${REDACTED} ${REDACTED}`)).toBe(true);
  });

  it("refuses an unsafe turn with the contract's answer and stores nothing", async () => {
    const user = await createUser(t);
    const session = await start(user);
    const answer = await user.client.dialogue.submitTurn.mutate({
      sessionId: session.id,
      text: 'Hello, my name is sh1t',
    });
    expect(answer).toEqual({
      score: {
        turnId: expect.stringMatching(UUID),
        accuracy: 0,
        fluency: 0,
        keywordsHit: [],
        feedback: "Let's keep our conversation appropriate and respectful.",
      },
      coachFeedback: 'Please use appropriate language.',
    });
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns).toEqual([]);
    expect(transcript.scores).toEqual([]);
    const logged = t.logs.lines.find((line) => line.msg === 'dialogue turn refused by the safety filter');
    expect(logged).toMatchObject({
      sessionId: session.id,
      reason: 'inappropriate_language',
      requestId: expect.any(String),
    });
    expect(JSON.stringify(t.logs.lines)).not.toContain('sh1t');
  });

  it("refuses turns past the difficulty's maximum with 409", async () => {
    const user = await createUser(t);
    const session = await start(user, 'beginner');
    for (let turn = 0; turn < 8; turn++)
      await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: `Hello number ${turn}` });
    await expect(
      user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'One more' }),
    ).rejects.toMatchObject({ ...conflict, message: 'This session has reached its limit of 8 turns' });
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns.map((turn) => turn.text)).toEqual(
      Array.from({ length: 8 }, (_, turn) => `Hello number ${turn}`),
    );
  });

  it('numbers turns sent at the same time one after the other', async () => {
    const user = await createUser(t);
    const session = await start(user, 'advanced');
    const texts = ['one', 'two', 'three', 'four', 'five'];
    await Promise.all(
      texts.map((text) => user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text })),
    );
    const rows = await t.deps.db.select().from(dialogueTurns).where(eq(dialogueTurns.sessionId, session.id));
    expect(rows.map((row) => row.position).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a turn on an ended session with 409', async () => {
    const user = await createUser(t);
    const session = await start(user);
    await user.client.dialogue.endSession.mutate({ sessionId: session.id });
    await expect(
      user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello' }),
    ).rejects.toMatchObject({ ...conflict, message: 'This session has ended' });
  });

  it("refuses another user's session and an unknown one with NOT_FOUND, storing nothing", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const session = await start(owner);
    await expect(
      other.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello' }),
    ).rejects.toMatchObject(notFound);
    await expect(
      owner.client.dialogue.submitTurn.mutate({ sessionId: UNKNOWN_ID, text: 'Hello' }),
    ).rejects.toMatchObject(notFound);
    expect((await owner.client.dialogue.getTranscript.query({ sessionId: session.id })).turns).toEqual([]);
  });

  it('refuses a turn on an expired session with NOT_FOUND', async () => {
    const user = await createUser(t);
    const session = await start(user);
    await t.deps.db
      .update(dialogueSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(dialogueSessions.id, session.id));
    await expect(
      user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello' }),
    ).rejects.toMatchObject(notFound);
    await expect(user.client.dialogue.getTranscript.query({ sessionId: session.id })).rejects.toMatchObject(
      notFound,
    );
  });

  it.each([
    ['empty text', { text: '' }],
    ['blank text', { text: '   ' }],
    ['text over 2000 characters', { text: 'x'.repeat(2001) }],
    ['a NUL character', { text: 'hel\u0000lo' }],
    ['no text', {}],
    ['a negative duration', { text: 'hi', meta: { timeMs: -1 } }],
    ['a fractional duration', { text: 'hi', meta: { timeMs: 1.5 } }],
    ['a duration over ten minutes (an epoch timestamp)', { text: 'hi', meta: { timeMs: 1_767_225_600_000 } }],
    ['a bad language code', { text: 'hi', meta: { lang: 'English!' } }],
  ])('refuses %s with 400', async (_, fields) => {
    const user = await createUser(t);
    const session = await start(user);
    const answer = await call('submitTurn', { sessionId: session.id, ...fields }, user);
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['VALIDATION_ERROR']);
  });

  it('refuses a malformed session id with 400', async () => {
    const answer = await call('submitTurn', { sessionId: 'abc', text: 'hi' }, await createUser(t));
    expect(answer.status).toBe(400);
  });
});

describe('dialogue.endSession', () => {
  it('ends the session and schedules its review from the average accuracy', async () => {
    const user = await createUser(t);
    const session = await start(user);
    const first = await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello!' });
    const second = await user.client.dialogue.submitTurn.mutate({
      sessionId: session.id,
      text: 'My name is Ana, nice to meet you',
    });
    const ended = await user.client.dialogue.endSession.mutate({ sessionId: session.id });
    expect(ended).toMatchObject({
      id: session.id,
      sceneId: MEETING_SOMEONE_NEW,
      startedAt: session.startedAt,
      difficulty: 'beginner',
      scores: [first.score, second.score],
    });
    expect(ended.turns.map((turn) => turn.text)).toEqual(['Hello!', 'My name is Ana, nice to meet you']);
    expect(ended.endedAt).toBeGreaterThanOrEqual(session.startedAt);
    // Average accuracy 1 at beginner (target 0.75): the longest interval, a day.
    expect(ended.srsDueAt! - ended.endedAt!).toBe(1440 * MINUTE);
    await expect(user.client.dialogue.getTranscript.query({ sessionId: session.id })).resolves.toEqual(ended);
  });

  it('schedules a session without turns for an early review', async () => {
    const user = await createUser(t);
    const session = await start(user, 'advanced');
    const ended = await user.client.dialogue.endSession.mutate({ sessionId: session.id });
    expect(ended.srsDueAt! - ended.endedAt!).toBe(5 * MINUTE);
  });

  it('answers a repeated end with the same session, unchanged', async () => {
    const user = await createUser(t);
    const session = await start(user);
    const ended = await user.client.dialogue.endSession.mutate({ sessionId: session.id });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(user.client.dialogue.endSession.mutate({ sessionId: session.id })).resolves.toEqual(ended);
  });

  it("refuses another user's session and an unknown one with NOT_FOUND, leaving it open", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const session = await start(owner);
    await expect(other.client.dialogue.endSession.mutate({ sessionId: session.id })).rejects.toMatchObject(
      notFound,
    );
    await expect(owner.client.dialogue.endSession.mutate({ sessionId: UNKNOWN_ID })).rejects.toMatchObject(
      notFound,
    );
    const transcript = await owner.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.endedAt).toBeUndefined();
  });

  it.each([[{}], [{ sessionId: 'abc' }], [{ sessionId: 7 }]])(
    'refuses bad input with 400: %o',
    async (input) => {
      const answer = await call('endSession', input, await createUser(t));
      expect(answer.status).toBe(400);
    },
  );
});

describe('dialogue.getTranscript', () => {
  it("answers the caller's session with its turns in order", async () => {
    const user = await createUser(t);
    const session = await start(user, 'intermediate');
    for (const text of ['Hello', 'My name is Ana', 'Nice to meet you'])
      await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text });
    const transcript = await user.client.dialogue.getTranscript.query({ sessionId: session.id });
    expect(transcript.turns.map((turn) => turn.text)).toEqual([
      'Hello',
      'My name is Ana',
      'Nice to meet you',
    ]);
    expect(transcript.scores.map((score) => score.turnId)).toEqual(transcript.turns.map((turn) => turn.id));
    expect(transcript).toMatchObject({ id: session.id, difficulty: 'intermediate' });
    expect(transcript.endedAt).toBeUndefined();
    expect(transcript.srsDueAt).toBeUndefined();
  });

  it("refuses another user's session and an unknown one with NOT_FOUND", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const session = await start(owner);
    await owner.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'My secret turn' });
    const answer = await call('getTranscript', { sessionId: session.id }, other);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('My secret turn');
    await expect(owner.client.dialogue.getTranscript.query({ sessionId: UNKNOWN_ID })).rejects.toMatchObject(
      notFound,
    );
  });

  it.each([[{}], [{ sessionId: 'abc' }]])('refuses bad input with 400: %o', async (input) => {
    const answer = await call('getTranscript', input, await createUser(t));
    expect(answer.status).toBe(400);
  });
});

describe('dialogue data and the account', () => {
  it("puts the caller's sessions, turns and scores in their data export", async () => {
    const user = await createUser(t);
    const session = await start(user);
    const turn = await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello there' });
    const exported = await user.client.user.exportData.query();
    expect(exported.data.dialogue_sessions).toEqual([expect.objectContaining({ id: session.id })]);
    expect(exported.data.dialogue_turns).toEqual([
      expect.objectContaining({ id: turn.score.turnId, text: 'Hello there' }),
    ]);
    expect(exported.data.dialogue_scores).toEqual([expect.objectContaining({ turnId: turn.score.turnId })]);
  });

  it('erases sessions, turns and scores with the account', async () => {
    const user = await createUser(t);
    const session = await start(user);
    await user.client.dialogue.submitTurn.mutate({ sessionId: session.id, text: 'Hello there' });
    await user.client.auth.deleteAccount.mutate({ password: user.password, confirmation: 'DELETE' });
    expect(
      await t.deps.db.select().from(dialogueSessions).where(eq(dialogueSessions.id, session.id)),
    ).toEqual([]);
    expect(
      await t.deps.db.select().from(dialogueTurns).where(eq(dialogueTurns.sessionId, session.id)),
    ).toEqual([]);
  });
});
