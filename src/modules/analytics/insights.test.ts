import { describe, expect, it } from 'vitest';
import { nextMilestone, recommend, strongTopics, suggestDifficulty, weakTopics } from './insights.js';
import type { AchievementRow, CatalogueLesson, TopicTotals } from './repo.js';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const topic = (name: string, accuracy: number | null, lessons = 1, lastAt = daysAgo(1)): TopicTotals => ({
  topic: name,
  lessons,
  accuracy,
  lastAt,
});

describe('weakTopics and strongTopics', () => {
  it('split topics at 70 and 80 percent, weakest and strongest first, ignoring topics without accuracy', () => {
    const topics = [
      topic('a', 69.9),
      topic('b', 70),
      topic('c', 10),
      topic('d', null),
      topic('e', 80),
      topic('f', 95),
      topic('aa', 10),
      topic('ee', 80),
    ];
    expect(weakTopics(topics).map((t) => t.topic)).toEqual(['aa', 'c', 'a']);
    expect(strongTopics(topics).map((t) => t.topic)).toEqual(['f', 'e', 'ee']);
  });
});

describe('suggestDifficulty', () => {
  it.each([
    [[], 'intermediate', 'intermediate'],
    [[], 'unknown', 'beginner'],
    [[{ difficulty: 'beginner', accuracy: 82 }], 'beginner', 'intermediate'],
    [[{ difficulty: 'beginner', accuracy: 81.9 }], 'beginner', 'beginner'],
    [[{ difficulty: 'beginner', accuracy: 10 }], 'advanced', 'beginner'],
    [[{ difficulty: 'intermediate', accuracy: 70 }], 'beginner', 'beginner'],
    [[{ difficulty: 'intermediate', accuracy: 70.1 }], 'beginner', 'intermediate'],
    [[{ difficulty: 'advanced', accuracy: 97 }], 'beginner', 'expert'],
    [[{ difficulty: 'expert', accuracy: 100 }], 'beginner', 'expert'],
    [[{ difficulty: 'expert', accuracy: 78 }], 'beginner', 'advanced'],
    // The hardest level practised decides, whatever the easier ones say.
    [
      [
        { difficulty: 'beginner', accuracy: 100 },
        { difficulty: 'advanced', accuracy: 85 },
        { difficulty: 'legendary', accuracy: 0 },
      ],
      'beginner',
      'advanced',
    ],
  ])('%j with proficiency %s suggests %s', (rows, proficiency, expected) => {
    expect(suggestDifficulty(rows, proficiency)).toBe(expected);
  });
});

describe('nextMilestone', () => {
  const achievement = (id: string, requirementType: string, requirementValue: number): AchievementRow => ({
    id,
    title: id.toUpperCase(),
    description: '',
    icon: '',
    requirementType,
    requirementValue,
  });
  const catalogue = [
    achievement('l1', 'lessonsCompleted', 1),
    achievement('l10', 'lessonsCompleted', 10),
    achievement('s7', 'streakDays', 7),
    achievement('x', 'xp', 2),
  ];

  it('names the nearest lesson or streak goal not yet reached', () => {
    expect(nextMilestone(catalogue, 0, 0)).toBe('1 more lesson to unlock L1');
    expect(nextMilestone(catalogue, 3, 0)).toBe('7 more days in a row to unlock S7');
    expect(nextMilestone(catalogue, 8, 0)).toBe('2 more lessons to unlock L10');
    expect(nextMilestone(catalogue, 10, 6)).toBe('1 more day in a row to unlock S7');
    expect(nextMilestone(catalogue, 10, 7)).toBe('Every lesson and streak achievement is unlocked');
  });
});

describe('recommend', () => {
  const lesson = (id: string, type: string): CatalogueLesson => ({
    id,
    type,
    title: `Lesson ${id}`,
    difficulty: 'beginner',
    estimatedTimeMin: id.length * 5,
    xpReward: id.length * 10,
  });
  const course = [lesson('g1', 'grammar'), lesson('v1', 'vocabulary'), lesson('g22', 'grammar')];
  const facts = { windowDays: 30, course, dailyGoalMinutes: 20, now };

  it('picks an uncompleted lesson of a weak topic, and does not recommend the same lesson twice', () => {
    const recommendations = recommend({ ...facts, topics: [topic('grammar', 50)], completed: new Set() });
    expect(recommendations.map((r) => [r.id, r.lessonId, r.priority])).toEqual([
      ['focus-grammar', 'g1', 'high'],
      ['next-v1', 'v1', 'medium'],
    ]);
    const afterG1 = recommend({ ...facts, topics: [topic('grammar', 50)], completed: new Set(['g1']) });
    expect(afterG1.map((r) => [r.id, r.lessonId, r.estimatedTime, r.xpReward])).toEqual([
      ['focus-grammar', 'g22', 15, 30],
      ['next-v1', 'v1', 10, 20],
    ]);
  });

  it('falls back to the first lesson of a weak topic when all are done, and to practice without any', () => {
    const recommendations = recommend({
      ...facts,
      topics: [topic('grammar', 60), topic('speaking', 30)],
      completed: new Set(['g1', 'g22', 'v1']),
    });
    expect(recommendations.map((r) => [r.id, r.type, r.lessonId, r.estimatedTime, r.xpReward])).toEqual([
      ['focus-speaking', 'practice', null, 20, 0],
      ['focus-grammar', 'lesson', 'g1', 10, 20],
    ]);
  });

  it('reviews topics left alone for a week, the longest idle first', () => {
    const recommendations = recommend({
      ...facts,
      topics: [
        topic('a', 90, 1, daysAgo(6.9)),
        topic('d', null, 0, daysAgo(7)),
        topic('c', 75, 2, daysAgo(20)),
        topic('b', 85, 2, daysAgo(7.5)),
      ],
      completed: new Set(['g1', 'g22', 'v1']),
    });
    expect(recommendations.map((r) => [r.id, r.description])).toEqual([
      ['review-c', 'You last practised c 20 days ago.'],
      ['review-b', 'You last practised b 7 days ago.'],
      ['review-d', 'You last practised d 7 days ago.'],
    ]);
  });
});
