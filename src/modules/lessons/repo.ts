import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { contentItems, type Lesson, lessonSubModules, lessons } from '../../db/schema/index.js';
import type { ContentItemDto, GetAllLessonsInput, LessonDto, SubModuleDto } from './schema.js';

/**
 * Lessons of the shared catalogue (not users' generated ones), with their sub-modules and items, in course
 * order. Three queries regardless of size: lessons, then sub-modules and items by id lists.
 */
export async function findCatalogueLessons(db: Db | Tx, filter: GetAllLessonsInput): Promise<LessonDto[]> {
  const conditions: SQL[] = [isNull(lessons.createdBy)];
  if (filter.language) conditions.push(eq(lessons.language, filter.language));
  if (filter.type) conditions.push(eq(lessons.type, filter.type));
  if (filter.difficulty) conditions.push(eq(lessons.difficulty, filter.difficulty));

  const rows = await db
    .select()
    .from(lessons)
    .where(and(...conditions))
    .orderBy(asc(lessons.language), sql`${lessons.position} asc nulls last`, asc(lessons.id));
  return withContent(db, rows);
}

/** One lesson of the shared catalogue by id with its content, or null (users' generated lessons never). */
export async function findCatalogueLesson(db: Db | Tx, id: string): Promise<LessonDto | null> {
  const rows = await db
    .select()
    .from(lessons)
    .where(and(eq(lessons.id, id), isNull(lessons.createdBy)))
    .limit(1);
  const [lesson] = await withContent(db, rows);
  return lesson ?? null;
}

/** The lessons a user generated, as stored rows (data export). */
export function findLessonsCreatedBy(db: Db | Tx, userId: string): Promise<Lesson[]> {
  return db.select().from(lessons).where(eq(lessons.createdBy, userId));
}

/** Deletes the lessons a user generated, with their content (erasure). */
export async function deleteLessonsCreatedBy(tx: Tx, userId: string): Promise<void> {
  await tx.delete(lessons).where(eq(lessons.createdBy, userId));
}

/** Stored lesson rows with their sub-modules and items, as the contract's Lesson. */
export async function withContent(db: Db | Tx, rows: Lesson[]): Promise<LessonDto[]> {
  if (rows.length === 0) return [];
  const subModules = await db
    .select()
    .from(lessonSubModules)
    .where(
      inArray(
        lessonSubModules.lessonId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(lessonSubModules.lessonId), asc(lessonSubModules.position));
  const items =
    subModules.length === 0
      ? []
      : await db
          .select()
          .from(contentItems)
          .where(
            inArray(
              contentItems.subModuleId,
              subModules.map((subModule) => subModule.id),
            ),
          )
          .orderBy(asc(contentItems.subModuleId), asc(contentItems.position));

  const itemsBySubModule = groupBy(items, (item) => item.subModuleId);
  const subModulesByLesson = new Map<string, SubModuleDto[]>();
  for (const subModule of subModules) {
    const list = subModulesByLesson.get(subModule.lessonId) ?? [];
    list.push({
      id: subModule.id,
      title: subModule.title,
      type: subModule.type,
      content: {
        instructions: subModule.instructions,
        items: (itemsBySubModule.get(subModule.id) ?? []).map(
          (item): ContentItemDto => ({
            id: item.id,
            type: item.type,
            value: item.value,
            pronunciation: item.pronunciation ?? '',
            translation: item.translation ?? '',
          }),
        ),
      },
      // Catalogue reads are the same for everyone; a user's completion comes from lessons.getUserProgress.
      isCompleted: false,
    });
    subModulesByLesson.set(subModule.lessonId, list);
  }

  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    title: row.title,
    description: row.description,
    icon: row.icon,
    difficulty: row.difficulty,
    estimatedTime: row.estimatedTimeMin,
    xpReward: row.xpReward,
    isLocked: row.isLocked,
    language: row.language,
    subModules: subModulesByLesson.get(row.id) ?? [],
  }));
}

function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const k = key(value);
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  return groups;
}
