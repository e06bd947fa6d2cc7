import { describe, expect, it } from 'vitest';
import {
  achievements,
  allLessons,
  badges,
  CONTENT_VERSION,
  dialogueTopics,
  learnLanguages,
  learnPhrases,
  learnWords,
} from './index.js';
import type { SeedLanguage } from './types.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LANGUAGES: SeedLanguage[] = ['es', 'fr', 'de', 'it', 'pt', 'ja'];

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) dupes.add(value);
    seen.add(value);
  }
  return [...dupes];
}

describe('seed content: lessons', () => {
  it('has lesson ids that are unique across all languages', () => {
    expect(duplicates(allLessons.map((lesson) => lesson.id))).toEqual([]);
  });

  it('has sub-module slugs that are unique within each lesson', () => {
    for (const lesson of allLessons) {
      expect(duplicates(lesson.subModules.map((sub) => sub.slug)), lesson.id).toEqual([]);
    }
  });

  it.each(LANGUAGES)('has beginner, intermediate and advanced lessons for %s', (language) => {
    const levels = new Set(allLessons.filter((l) => l.language === language).map((l) => l.difficulty));
    expect(levels.has('beginner')).toBe(true);
    expect(levels.has('intermediate')).toBe(true);
    expect(levels.has('advanced')).toBe(true);
  });

  it.each(LANGUAGES)('numbers the %s course consecutively from 1', (language) => {
    const orders = allLessons.filter((l) => l.language === language).map((l) => l.order);
    expect(orders).toEqual(orders.map((_, i) => i + 1));
  });

  it('gives every sub-module at least one complete item', () => {
    for (const lesson of allLessons) {
      expect(lesson.subModules.length, lesson.id).toBeGreaterThan(0);
      for (const sub of lesson.subModules) {
        const where = `${lesson.id}--${sub.slug}`;
        expect(sub.items.length, where).toBeGreaterThan(0);
        for (const item of sub.items) {
          expect(item.value.trim(), where).not.toBe('');
          expect(item.pronunciation.trim(), `${where}: ${item.value}`).not.toBe('');
          expect(item.translation.trim(), `${where}: ${item.value}`).not.toBe('');
        }
      }
    }
  });

  it('keeps the three legacy Spanish lesson ids', () => {
    for (const id of ['alphabet-basics', 'numbers-1-10', 'basic-greetings']) {
      const lesson = allLessons.find((l) => l.id === id);
      expect(lesson, id).toBeDefined();
      expect(lesson?.language).toBe('es');
      expect(lesson?.difficulty).toBe('beginner');
    }
  });
});

describe('seed content: dialogue', () => {
  const scenes = dialogueTopics.flatMap((topic) => topic.scenes);

  it('uses valid, unique UUIDs for topics and scenes', () => {
    const ids = [...dialogueTopics.map((t) => t.id), ...scenes.map((s) => s.id)];
    for (const id of ids) expect(id).toMatch(UUID_RE);
    expect(duplicates(ids)).toEqual([]);
  });

  it('keeps the fixed topic and scene ids', () => {
    const topicIds = dialogueTopics.map((t) => t.id);
    expect(topicIds).toEqual(
      expect.arrayContaining([
        '550e8400-e29b-41d4-a716-446655440001',
        '550e8400-e29b-41d4-a716-446655440002',
        '550e8400-e29b-41d4-a716-446655440003',
      ]),
    );
    expect(scenes.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        '660e8400-e29b-41d4-a716-446655440001',
        '660e8400-e29b-41d4-a716-446655440002',
        '660e8400-e29b-41d4-a716-446655440003',
      ]),
    );
  });

  it('has the contract topics with the scene counts the contract announces (3, 4, 3)', () => {
    const byId = new Map(dialogueTopics.map((topic) => [topic.id, topic]));
    const counts = [
      ['550e8400-e29b-41d4-a716-446655440001', 'Greetings & Introductions', 3],
      ['550e8400-e29b-41d4-a716-446655440002', 'At the Restaurant', 4],
      ['550e8400-e29b-41d4-a716-446655440003', 'Shopping', 3],
    ] as const;
    for (const [id, title, sceneCount] of counts) {
      expect(byId.get(id)?.title, id).toBe(title);
      expect(byId.get(id)?.scenes.length, title).toBe(sceneCount);
    }
  });

  it('has the contract scenes in their topics, at their levels', () => {
    const sceneOf = (id: string) => {
      const topic = dialogueTopics.find((t) => t.scenes.some((s) => s.id === id));
      return { topicId: topic?.id, ...topic?.scenes.find((s) => s.id === id) };
    };
    expect(sceneOf('660e8400-e29b-41d4-a716-446655440001')).toMatchObject({
      topicId: '550e8400-e29b-41d4-a716-446655440001',
      title: 'Meeting Someone New',
      level: 'beginner',
      keyPhrases: ['hello', 'my name is', 'nice to meet you'],
    });
    expect(sceneOf('660e8400-e29b-41d4-a716-446655440002')).toMatchObject({
      topicId: '550e8400-e29b-41d4-a716-446655440001',
      title: 'Asking About Someone',
      level: 'intermediate',
    });
    expect(sceneOf('660e8400-e29b-41d4-a716-446655440003')).toMatchObject({
      topicId: '550e8400-e29b-41d4-a716-446655440002',
      title: 'Ordering a Meal',
      level: 'beginner',
    });
  });

  it('opens every scene with a system prompt and an NPC line in English', () => {
    for (const scene of scenes) {
      expect(
        scene.starterTurns.map((turn) => [turn.role, turn.lang]),
        scene.title,
      ).toEqual([
        ['system', 'en'],
        ['npc', 'en'],
      ]);
    }
  });

  it('gives every scene at least one key phrase and one starter turn', () => {
    for (const scene of scenes) {
      expect(scene.keyPhrases.length, scene.title).toBeGreaterThan(0);
      expect(scene.starterTurns.length, scene.title).toBeGreaterThan(0);
    }
  });
});

describe('seed content: gamification', () => {
  it('has unique badge ids', () => {
    expect(duplicates(badges.map((b) => b.id))).toEqual([]);
  });

  it('has unique achievement ids', () => {
    expect(duplicates(achievements.map((a) => a.id))).toEqual([]);
  });

  it('only rewards badges that exist', () => {
    const badgeIds = new Set(badges.map((b) => b.id));
    for (const achievement of achievements) {
      if (achievement.reward.badge !== undefined) expect(badgeIds.has(achievement.reward.badge)).toBe(true);
    }
  });
});

describe('seed content: Learn tab', () => {
  const nonEmpty = (value: string, where: string) => expect(value.trim(), where).not.toBe('');

  it('has content for every seeded language, once each', () => {
    expect(learnLanguages.map((content) => content.language).sort()).toEqual([...LANGUAGES].sort());
  });

  it.each(learnLanguages.map((content) => [content.language, content] as const))(
    'gives %s an alphabet, numbers 0–20 and the tens to 100, eight tips and phonics',
    (language, content) => {
      expect(content.alphabet.length, language).toBeGreaterThanOrEqual(26);
      expect(
        duplicates(content.alphabet.map((letter) => letter.romanization ?? letter.character.toLowerCase())),
      ).toEqual([]);
      for (const letter of content.alphabet) {
        nonEmpty(letter.pronunciation, letter.character);
        // Romaji for kana only: the Latin alphabets need none.
        expect(letter.romanization !== undefined, letter.character).toBe(language === 'ja');
        expect(letter.examples.length, letter.character).toBeGreaterThan(0);
        for (const example of letter.examples) {
          nonEmpty(example.word, letter.character);
          nonEmpty(example.translation, letter.character);
        }
      }
      expect(content.numbers.map((number) => number.value)).toEqual([
        ...Array.from({ length: 21 }, (_, value) => value),
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100,
      ]);
      for (const number of content.numbers) nonEmpty(number.target, `${language} ${number.value}`);
      expect(content.tips).toHaveLength(8);
      expect(content.phonics.length).toBeGreaterThanOrEqual(12);
      expect(duplicates(content.phonics.map((phonic) => phonic.slug))).toEqual([]);
      for (const phonic of content.phonics) {
        expect(phonic.graphemes.length, phonic.slug).toBeGreaterThan(0);
        expect(phonic.examples.length, phonic.slug).toBeGreaterThan(0);
      }
    },
  );

  it('has thirty words, six per theme, and thirty phrases, in English and every seeded language', () => {
    expect(learnWords).toHaveLength(30);
    expect(learnPhrases).toHaveLength(30);
    const perTheme = new Map<string, number>();
    for (const word of learnWords) perTheme.set(word.tag, (perTheme.get(word.tag) ?? 0) + 1);
    expect(Object.fromEntries(perTheme)).toEqual({ people: 6, time: 6, places: 6, food: 6, travel: 6 });
    expect(duplicates([...learnWords, ...learnPhrases].map((concept) => concept.id))).toEqual([]);
    for (const concept of [...learnWords, ...learnPhrases]) {
      nonEmpty(concept.en, concept.id);
      nonEmpty(concept.tag, concept.id);
      for (const language of LANGUAGES) {
        nonEmpty(concept[language][0], `${concept.id} ${language}`);
        nonEmpty(concept[language][1], `${concept.id} ${language}`);
      }
    }
  });
});

describe('seed content: version', () => {
  it('exposes a non-empty content version', () => {
    expect(CONTENT_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });
});
