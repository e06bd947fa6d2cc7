import { publicProcedure, router } from '../../trpc/init.js';
import { getAllLessonsInput, getLessonByIdInput } from './schema.js';
import * as service from './service.js';

export const lessonsRouter = router({
  getAll: publicProcedure
    .meta({ cache: 'public' })
    .input(getAllLessonsInput)
    .query(({ ctx, input }) => service.listLessons(ctx.deps, input)),
  getById: publicProcedure
    .meta({ cache: 'public' })
    .input(getLessonByIdInput)
    .query(({ ctx, input }) => service.getLesson(ctx.deps, input.id)),
});
