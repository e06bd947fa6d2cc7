import { describe, expect, it } from 'vitest';
import { ANALYTICS_EVENT_NAMES } from '../../db/schema/analytics.js';
import { EVENT_PROPERTIES, MAX_EVENT_PROPERTIES } from './events.js';
import { trackEventInput } from './schema.js';

/** A valid event of each name, with every property it can carry. */
const FULL: Record<(typeof ANALYTICS_EVENT_NAMES)[number], Record<string, unknown>> = {
  app_opened: { language: 'es', platform: 'ios', appVersion: '2.4.1' },
  screen_viewed: { screen: 'lessons', language: 'es' },
  lesson_started: { lessonId: 'es-1', topic: 'grammar', difficulty: 'beginner', language: 'es' },
  lesson_completed: {
    lessonId: 'es-1',
    accuracy: 92.5,
    xp: 40,
    topic: 'grammar',
    difficulty: 'beginner',
    durationSeconds: 420,
    language: 'es',
  },
  practice_session: { duration: 12.5, topic: 'vocabulary', accuracy: 80, language: 'es' },
  chat_message_sent: { characters: 120, language: 'es' },
  word_learned: { wordId: 'w-1', topic: 'food', language: 'es' },
  review_completed: { cardId: 'c-1', quality: 4, timeTakenMs: 5_000, language: 'es' },
  achievement_unlocked: { achievementId: 'first_lesson', language: 'es' },
  difficulty_select: { level: 'intermediate', source: 'onboarding', language: 'es' },
  difficulty_auto_adapt: {
    from: 'beginner',
    to: 'intermediate',
    sessionId: 's-1',
    accuracy: 90,
    language: 'es',
  },
  session_metrics: {
    level: 'beginner',
    correct: 8,
    total: 10,
    accuracy: 80,
    sessionId: 's-1',
    language: 'es',
  },
  dialogue_start: { sessionId: 's-1', sceneId: 'cafe', difficulty: 'beginner', language: 'es' },
  dialogue_turn: { sessionId: 's-1', accuracy: 70, fluency: 60, language: 'es' },
  dialogue_end: { sessionId: 's-1', turns: 6, durationSeconds: 300, language: 'es' },
};

describe('event properties', () => {
  it('has a schema for each name of the closed list, and a name for each schema', () => {
    expect(Object.keys(EVENT_PROPERTIES).sort()).toEqual([...ANALYTICS_EVENT_NAMES].sort());
  });

  it.each(ANALYTICS_EVENT_NAMES)('accepts a full %s, which fits the bounds of any event', (event) => {
    const parsed = trackEventInput.parse({ event, properties: FULL[event] });
    expect(parsed.properties).toEqual(FULL[event]);
    expect(Object.keys(FULL[event]).length).toBeLessThanOrEqual(MAX_EVENT_PROPERTIES);
    expect(JSON.stringify(parsed.properties).length).toBeLessThan(400);
  });

  it('bounds the generic map by the largest event, so every event fits and no more', () => {
    expect(MAX_EVENT_PROPERTIES).toBe(7);
  });

  it('lower-cases and trims topics, and trims identifiers', () => {
    const parsed = trackEventInput.parse({
      event: 'lesson_started',
      properties: { lessonId: '  es-1 ', topic: ' Past Tense ' },
    });
    expect(parsed.properties).toEqual({ lessonId: 'es-1', topic: 'past tense' });
  });
});
