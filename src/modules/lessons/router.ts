import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import * as practice from './practice.js';
import {
  getAllLessonsInput,
  getDailyChallengeInput,
  getExercisesInput,
  getLessonByIdInput,
  getRecommendedInput,
  getUserProgressInput,
  submitInput,
  updateProgressInput,
} from './schema.js';
import * as service from './service.js';
import { submit, updateProgress } from './submit.js';

/** `lessons.*` (api-contract §3.5), plus `getExercises`: the exercises `submit` scores. */
export const lessonsRouter = router({
  getAll: publicProcedure
    .meta({ cache: 'public' })
    .input(getAllLessonsInput)
    .query(({ ctx, input }) => service.listLessons(ctx.deps, input)),
  getById: publicProcedure
    .meta({ cache: 'public' })
    .input(getLessonByIdInput)
    .query(({ ctx, input }) => service.getLesson(ctx.deps, input.id)),
  getExercises: authedProcedure
    .input(getExercisesInput)
    .query(({ ctx, input }) => practice.getExercises(ctx.deps, ctx.caller.userId, input.lessonId)),
  getUserProgress: authedProcedure
    .input(getUserProgressInput)
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
  submit: authedProcedure
    .input(submitInput)
    .mutation(({ ctx, input }) => submit(ctx.deps, ctx.caller.userId, input)),
});
