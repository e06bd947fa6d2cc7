import { publicProcedure, router } from '../../trpc/init.js';
import { getContentInput } from './schema.js';
import * as service from './service.js';

/** `learn.*` (api-contract §3.8). */
export const learnRouter = router({
  getContent: publicProcedure
    .meta({ cache: 'public' })
    .input(getContentInput)
    .query(({ ctx, input }) => service.getLearnContent(ctx.deps, input)),
});
