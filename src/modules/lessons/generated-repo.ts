import { and, count, desc, eq, gte } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  contentItems,
  exercises,
  lessonSubModules,
  lessons,
  type NewContentItem,
  type NewExercise,
  type NewLesson,
  type NewLessonSubModule,
} from '../../db/schema/index.js';

/** How many lessons a user generated since `since` (the daily quota). */
export async function countGeneratedSince(db: Db | Tx, userId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(lessons)
    .where(
      and(eq(lessons.createdBy, userId), eq(lessons.source, 'generated'), gte(lessons.createdAt, since)),
    );
  return row?.n ?? 0;
}

export interface GeneratedLessonRows {
  lesson: NewLesson;
  subModules: NewLessonSubModule[];
  items: NewContentItem[];
  exercises: NewExercise[];
}

/** Stores a generated lesson the way seeded lessons are stored: lesson, sub-modules, items, exercises. */
export async function insertGeneratedLesson(tx: Tx, rows: GeneratedLessonRows): Promise<void> {
  await tx.insert(lessons).values(rows.lesson);
  await tx.insert(lessonSubModules).values(rows.subModules);
  await tx.insert(contentItems).values(rows.items);
  if (rows.exercises.length > 0) await tx.insert(exercises).values(rows.exercises);
}

/** One lesson `userId` generated, as a stored row, or null (another user's or unknown). */
export async function findOwnLesson(db: Db | Tx, userId: string, id: string) {
  return db
    .select()
    .from(lessons)
    .where(and(eq(lessons.id, id), eq(lessons.createdBy, userId)))
    .limit(1);
}

/** The lessons `userId` generated, newest first. */
export function findOwnLessons(db: Db | Tx, userId: string, limit: number) {
  return db
    .select()
    .from(lessons)
    .where(and(eq(lessons.createdBy, userId), eq(lessons.source, 'generated')))
    .orderBy(desc(lessons.createdAt), desc(lessons.id))
    .limit(limit);
}
