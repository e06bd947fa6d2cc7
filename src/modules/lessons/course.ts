import type { Db, Tx } from '../../db/client.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { Memo } from '../../lib/memo.js';
import * as repo from './practice-repo.js';

/**
 * The seeded course as practice reads it on every submission: a lesson, its exercises, a language's
 * lessons in order. It changes only with the content version, so each is read once per process and
 * version (lib/memo.ts) rather than on every call. Shared values: callers must not modify them.
 */
const CONTENT_MEMO = { max: 2_000, ttlMs: 10 * 60_000 };
const lessons = new Memo<repo.PracticeLesson | null>(CONTENT_MEMO);
const exercises = new Memo<repo.PracticeExercise[]>(CONTENT_MEMO);
const courses = new Memo<repo.CourseLesson[]>(CONTENT_MEMO);

/** A catalogue lesson with its sub-module ids, or null. */
export function practiceLesson(db: Db | Tx, lessonId: string) {
  return lessons.get(`${CONTENT_VERSION}:${lessonId}`, () => repo.findPracticeLesson(db, lessonId));
}

/** Ids of lessons users generate start with this; no seeded lesson's does. */
export const GENERATED_LESSON_PREFIX = 'gen-';

/**
 * A lesson this learner may practise: a catalogue lesson (read once per content version), or one they
 * generated themselves (read each time: it is theirs alone, and must not take the catalogue's memo space).
 */
export async function learnerLesson(db: Db | Tx, userId: string, lessonId: string) {
  if (lessonId.startsWith(GENERATED_LESSON_PREFIX)) return repo.findPracticeLesson(db, lessonId, userId);
  return practiceLesson(db, lessonId);
}

/** The exercises of a lesson `learnerLesson` answered, with their answers, in order. */
export function learnerLessonExercises(db: Db | Tx, lesson: repo.PracticeLesson) {
  return lesson.createdBy === null ? lessonExercises(db, lesson.id) : repo.exercisesOf(db, lesson.id);
}

/** A lesson's exercises with their answers, in order. */
export function lessonExercises(db: Db | Tx, lessonId: string) {
  return exercises.get(`${CONTENT_VERSION}:${lessonId}`, () => repo.exercisesOf(db, lessonId));
}

/** A language's catalogue lessons in course order. */
export function courseOf(db: Db | Tx, language: string) {
  return courses.get(`${CONTENT_VERSION}:${language}`, () => repo.languageLessons(db, language));
}

/** The lesson just before this position in its language's course, if any. */
export async function previousLesson(db: Db | Tx, language: string, position: number) {
  return (await courseOf(db, language)).find((lesson) => lesson.position === position - 1)?.id ?? null;
}
