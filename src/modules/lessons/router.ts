import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import * as generate from './generate.js';
import {
  generateLessonInput,
  getGeneratedLessonInput,
  listGeneratedLessonsInput,
} from './generate-schema.js';
import * as practice from './practice.js';
import {
  getAllLessonsInput,
  getDailyChallengeInput,
  getExercisesInput,
  getLessonByIdInput,
  getRecommendedInput,
  getUserProgressInput,
  lessonDto,
  submitInput,
  updateProgressInput,
  userProgressDto,
} from './schema.js';
import * as service from './service.js';
import { submit, updateProgress } from './submit.js';

/**
 * `lessons.*` (api-contract §3.5), plus `getExercises` (the exercises `submit` scores) and
 * `getGenerated`/`listGenerated` (the caller's own generated lessons).
 */
export const lessonsRouter = router({
  getAll: publicProcedure
    .meta({
      cache: 'public',
      openapi: {
        method: 'GET',
        path: '/lessons',
        tags: ['lessons'],
        summary: 'The lesson catalogue, optionally of one language, type or difficulty',
        auth: 'none',
      },
    })
    .input(getAllLessonsInput)
    .output(z.array(lessonDto))
    .query(({ ctx, input }) => service.listLessons(ctx.deps, input)),
  getById: publicProcedure
    .meta({
      cache: 'public',
      openapi: {
        method: 'GET',
        path: '/lessons/{id}',
        tags: ['lessons'],
        summary: 'One lesson',
        auth: 'none',
      },
    })
    .input(getLessonByIdInput)
    .output(lessonDto)
    .query(({ ctx, input }) => service.getLesson(ctx.deps, input.id)),
  getExercises: authedProcedure
    .input(getExercisesInput)
    .query(({ ctx, input }) => practice.getExercises(ctx.deps, ctx.caller.userId, input.lessonId)),
  getUserProgress: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/me/progress',
        tags: ['me'],
        summary: "The caller's progress in one language, or in all of them",
        auth: 'required',
      },
    })
    .input(getUserProgressInput)
    .output(userProgressDto)
    .query(({ ctx, input }) => practice.getUserProgress(ctx.deps, ctx.caller.userId, input.language)),
  updateProgress: authedProcedure
    .input(updateProgressInput)
    .mutation(({ ctx, input }) => updateProgress(ctx.deps, ctx.caller.userId, input)),
  getRecommended: authedProcedure
    .input(getRecommendedInput)
    .query(({ ctx, input }) =>
      practice.getRecommended(ctx.deps, ctx.caller.userId, input.language, input.limit),
    ),
  getDailyChallenge: authedProcedure
    .input(getDailyChallengeInput)
    .query(({ ctx, input }) => practice.getDailyChallenge(ctx.deps, ctx.caller.userId, input.date)),
  generate: authedProcedure
    .meta({ rateLimit: 'ai' })
    .input(generateLessonInput)
    .mutation(({ ctx, input }) => generate.generateLesson(ctx.deps, ctx.caller.userId, input)),
  /** The caller's own generated lessons: never through the publicly cached getById/getAll. */
  getGenerated: authedProcedure
    .input(getGeneratedLessonInput)
    .query(({ ctx, input }) => generate.getGeneratedLesson(ctx.deps, ctx.caller.userId, input.id)),
  listGenerated: authedProcedure
    .input(listGeneratedLessonsInput)
    .query(({ ctx, input }) => generate.listGeneratedLessons(ctx.deps, ctx.caller.userId, input.limit)),
  submit: authedProcedure
    .input(submitInput)
    .mutation(({ ctx, input }) => submit(ctx.deps, ctx.caller.userId, input)),
});
