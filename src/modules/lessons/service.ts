import type { Env } from '../../config/env.js';
import type { Db, Tx } from '../../db/client.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { type CacheDeps, cached } from '../../lib/cache.js';
import { AppError } from '../../lib/errors.js';
import type { Metrics } from '../../lib/metrics.js';
import type { EventsDeps } from '../../realtime/outbox.js';
import type { BoardDeps } from '../leaderboard/boards.js';
import * as repo from './repo.js';
import type { GetAllLessonsInput, LessonDto } from './schema.js';

/**
 * What the lessons module needs: the database, the shared store as its cache, and the rankings that a
 * submission updates.
 */
export interface LessonsDeps extends CacheDeps, BoardDeps, EventsDeps {
  db: Db;
  /** Lessons submitted, XP granted and generation quota denials are counted here. */
  metrics: Pick<Metrics, 'business' | 'cacheFallbacks' | 'daily'>;
  env: Pick<Env, 'LESSON_CACHE_TTL_SECONDS'>;
}

/**
 * The public lesson catalogue, filtered. A pure function of the filter and the content version, so the
 * whole answer is cached in the shared store under both.
 */
export function listLessons(deps: LessonsDeps, filter: GetAllLessonsInput): Promise<LessonDto[]> {
  const key = `${CONTENT_VERSION}:${filter.language ?? '*'}:${filter.type ?? '*'}:${filter.difficulty ?? '*'}`;
  return cached(deps, 'lessons', key, deps.env.LESSON_CACHE_TTL_SECONDS, () =>
    repo.findCatalogueLessons(deps.db, filter),
  );
}

/**
 * One lesson of the shared catalogue with its content. Its answer is publicly cached (the same for every
 * caller), so it never serves a lesson a user generated, not even to its author. Throws NOT_FOUND for an
 * unknown id and for a generated lesson's.
 */
export async function getLesson(deps: LessonsDeps, id: string): Promise<LessonDto> {
  const lesson = await cached(
    deps,
    'lesson',
    `${CONTENT_VERSION}:${id}`,
    deps.env.LESSON_CACHE_TTL_SECONDS,
    () => repo.findCatalogueLesson(deps.db, id),
  );
  if (!lesson) throw new AppError('NOT_FOUND', 'Lesson not found');
  return lesson;
}

/** The lessons a user generated (data export). */
export function lessonsCreatedBy(deps: { db: Db | Tx }, userId: string) {
  return repo.findLessonsCreatedBy(deps.db, userId);
}

/** Erasure: the lessons a user generated go with the account (the catalogue only loses their authorship). */
export function deleteLessonsCreatedBy(deps: { db: Tx }, userId: string): Promise<void> {
  return repo.deleteLessonsCreatedBy(deps.db, userId);
}
