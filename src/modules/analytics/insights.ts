import { DIFFICULTIES } from '../../db/columns.js';
import type { AchievementRow, CatalogueLesson, TopicTotals } from './repo.js';
import type { Difficulty, RecommendationDto } from './schema.js';

/** api-contract §3.7: a topic whose mean accuracy is below this is a weak area. */
export const WEAK_ACCURACY = 70;
/** A topic whose mean accuracy reaches this is a strength. */
export const STRONG_ACCURACY = 80;
/** A topic not practised for this many days is due for review. */
export const REVIEW_AFTER_DAYS = 7;

/**
 * The app's difficulty presets and auto-adapt rule (api-contract §7.4): each level has a target accuracy;
 * a learner at or above target + 7 points moves up a level, at or below target − 12 moves down. The app
 * has no preset for expert: it keeps advanced's target, and nothing is above it.
 */
const TARGET_ACCURACY: Record<Difficulty, number> = {
  beginner: 75,
  intermediate: 82,
  advanced: 90,
  expert: 90,
};
const PROMOTE_FROM_TARGET = 7;
const DEMOTE_FROM_TARGET = 12;

const isDifficulty = (value: string): value is Difficulty =>
  (DIFFICULTIES as readonly string[]).includes(value);

/** `grammar` → `Grammar`. */
export const labelOf = (topic: string) => topic.charAt(0).toUpperCase() + topic.slice(1);

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Topics below WEAK_ACCURACY, weakest first. */
export function weakTopics(topics: readonly TopicTotals[]): (TopicTotals & { accuracy: number })[] {
  return topics
    .filter((topic): topic is TopicTotals & { accuracy: number } => topic.accuracy !== null)
    .filter((topic) => topic.accuracy < WEAK_ACCURACY)
    .sort((a, b) => a.accuracy - b.accuracy || a.topic.localeCompare(b.topic));
}

/** Topics at STRONG_ACCURACY or above, strongest first. */
export function strongTopics(topics: readonly TopicTotals[]): (TopicTotals & { accuracy: number })[] {
  return topics
    .filter((topic): topic is TopicTotals & { accuracy: number } => topic.accuracy !== null)
    .filter((topic) => topic.accuracy >= STRONG_ACCURACY)
    .sort((a, b) => b.accuracy - a.accuracy || a.topic.localeCompare(b.topic));
}

/**
 * The difficulty to practise at next: the hardest one the learner has scored lessons at, moved up or
 * down by the auto-adapt rule on their accuracy there; without scored lessons, their stated proficiency.
 */
export function suggestDifficulty(
  byDifficulty: readonly { difficulty: string; accuracy: number }[],
  proficiency: string,
): Difficulty {
  const hardest = byDifficulty
    .filter((row): row is { difficulty: Difficulty; accuracy: number } => isDifficulty(row.difficulty))
    .sort((a, b) => DIFFICULTIES.indexOf(b.difficulty) - DIFFICULTIES.indexOf(a.difficulty))[0];
  if (!hardest) return isDifficulty(proficiency) ? proficiency : 'beginner';
  const level = DIFFICULTIES.indexOf(hardest.difficulty);
  const target = TARGET_ACCURACY[hardest.difficulty];
  if (hardest.accuracy >= target + PROMOTE_FROM_TARGET && level < DIFFICULTIES.length - 1)
    return DIFFICULTIES[level + 1]!;
  if (hardest.accuracy <= target - DEMOTE_FROM_TARGET && level > 0) return DIFFICULTIES[level - 1]!;
  return hardest.difficulty;
}

/** The catalogue achievement of lessons or streak days closest to being unlocked, as a sentence. */
export function nextMilestone(
  catalogue: readonly AchievementRow[],
  lessonsDone: number,
  streakDays: number,
): string {
  const goals = catalogue.flatMap((achievement) => {
    if (achievement.requirementType === 'lessonsCompleted' && achievement.requirementValue > lessonsDone) {
      const left = achievement.requirementValue - lessonsDone;
      return [
        { left, text: `${plural(left, 'more lesson', 'more lessons')} to unlock ${achievement.title}` },
      ];
    }
    if (achievement.requirementType === 'streakDays' && achievement.requirementValue > streakDays) {
      const left = achievement.requirementValue - streakDays;
      return [
        { left, text: `${plural(left, 'more day', 'more days')} in a row to unlock ${achievement.title}` },
      ];
    }
    return [];
  });
  goals.sort((a, b) => a.left - b.left || a.text.localeCompare(b.text));
  return goals[0]?.text ?? 'Every lesson and streak achievement is unlocked';
}

export interface RecommendationFacts {
  /** Per topic over the last `windowDays` days. */
  topics: readonly TopicTotals[];
  windowDays: number;
  /** The language's course, in order. */
  course: readonly CatalogueLesson[];
  /** Lessons the learner has completed. */
  completed: ReadonlySet<string>;
  dailyGoalMinutes: number;
  now: Date;
}

/**
 * What to do next, most urgent first: a lesson (or practice) for each weak topic, weakest first; the first
 * lesson of the course neither completed nor recommended already; a review of each topic left alone for
 * REVIEW_AFTER_DAYS.
 * Minutes and XP come from the course's lessons, or the learner's daily goal for practice and reviews
 * (which earn no XP).
 */
export function recommend(facts: RecommendationFacts): RecommendationDto[] {
  const { course, completed } = facts;
  const focus = weakTopics(facts.topics).map((topic): RecommendationDto => {
    const lessons = course.filter((lesson) => lesson.type === topic.topic);
    const lesson = lessons.find((candidate) => !completed.has(candidate.id)) ?? lessons[0];
    const accuracy = `Your ${topic.topic} accuracy is ${Math.round(topic.accuracy)}% over the last ${facts.windowDays} days.`;
    return lesson
      ? {
          id: `focus-${topic.topic}`,
          type: 'lesson',
          title: `Focus on ${labelOf(topic.topic)}`,
          description: `${accuracy} "${lesson.title}" works on it.`,
          priority: 'high',
          estimatedTime: lesson.estimatedTimeMin,
          xpReward: lesson.xpReward,
          topic: topic.topic,
          lessonId: lesson.id,
        }
      : {
          id: `focus-${topic.topic}`,
          type: 'practice',
          title: `Practise ${labelOf(topic.topic)}`,
          description: `${accuracy} A session of your daily ${facts.dailyGoalMinutes} minutes on it will help.`,
          priority: 'high',
          estimatedTime: facts.dailyGoalMinutes,
          xpReward: 0,
          topic: topic.topic,
          lessonId: null,
        };
  });
  // A weak topic's lesson may also be the course's next one: the next is then the one after it.
  const chosen = new Set(focus.map((recommendation) => recommendation.lessonId));
  const nextLesson = course.find((lesson) => !completed.has(lesson.id) && !chosen.has(lesson.id));
  const next: RecommendationDto[] = nextLesson
    ? [
        {
          id: `next-${nextLesson.id}`,
          type: 'lesson',
          title: `Next lesson: ${nextLesson.title}`,
          description: `You have completed ${course.filter((lesson) => completed.has(lesson.id)).length} of the course's ${course.length} lessons.`,
          priority: 'medium',
          estimatedTime: nextLesson.estimatedTimeMin,
          xpReward: nextLesson.xpReward,
          topic: nextLesson.type,
          lessonId: nextLesson.id,
        },
      ]
    : [];
  const weak = new Set(focus.map((recommendation) => recommendation.topic));
  const review = facts.topics
    .filter((topic) => !weak.has(topic.topic))
    .map((topic) => ({
      topic,
      idleDays: Math.floor((facts.now.getTime() - topic.lastAt.getTime()) / 86_400_000),
    }))
    .filter(({ idleDays }) => idleDays >= REVIEW_AFTER_DAYS)
    .sort((a, b) => b.idleDays - a.idleDays || a.topic.topic.localeCompare(b.topic.topic))
    .map(
      ({ topic, idleDays }): RecommendationDto => ({
        id: `review-${topic.topic}`,
        type: 'review',
        title: `Review ${labelOf(topic.topic)}`,
        description: `You last practised ${topic.topic} ${idleDays} days ago.`,
        priority: 'low',
        estimatedTime: facts.dailyGoalMinutes,
        xpReward: 0,
        topic: topic.topic,
        lessonId: null,
      }),
    );
  return [...focus, ...next, ...review];
}
