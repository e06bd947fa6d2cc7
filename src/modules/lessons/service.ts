import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import type { Deps } from '../../deps.js';
import { cached } from '../../lib/cache.js';
import { AppError } from '../../lib/errors.js';
import * as repo from './repo.js';
import type { GetAllLessonsInput, LessonDto } from './schema.js';

type LessonDeps = Pick<Deps, 'db' | 'kv' | 'log' | 'metrics' | 'env'>;

/**
 * The public lesson catalogue, filtered. A pure function of the filter and the content version, so the
 * whole answer is cached in the shared store under both.
 */
export function listLessons(deps: LessonDeps, filter: GetAllLessonsInput): Promise<LessonDto[]> {
  const key = `${CONTENT_VERSION}:${filter.language ?? '*'}:${filter.type ?? '*'}:${filter.difficulty ?? '*'}`;
  return cached(deps, 'lessons', key, deps.env.LESSON_CACHE_TTL_SECONDS, () =>
    repo.findCatalogueLessons(deps.db, filter),
  );
}

/** One lesson with its content. Throws NOT_FOUND for an unknown id. */
export async function getLesson(deps: LessonDeps, id: string): Promise<LessonDto> {
  const lesson = await cached(
    deps,
    'lesson',
    `${CONTENT_VERSION}:${id}`,
    deps.env.LESSON_CACHE_TTL_SECONDS,
    () => repo.findLessonById(deps.db, id),
  );
  if (!lesson) throw new AppError('NOT_FOUND', 'Lesson not found');
  return lesson;
}
