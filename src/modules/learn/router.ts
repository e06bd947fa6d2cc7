import { publicProcedure, router } from '../../trpc/init.js';
import { getContentInput, learnPayload } from './schema.js';
import * as service from './service.js';

/** `learn.*` (api-contract §3.8). */
export const learnRouter = router({
  getContent: publicProcedure
    .meta({
      cache: 'public',
      openapi: {
        method: 'GET',
        path: '/learn/content',
        tags: ['learn'],
        summary: "The Learn tab's content of a target language for speakers of a native one",
        description: 'Languages are named by their English display names (`Spanish`, `English`).',
        auth: 'none',
      },
    })
    .input(getContentInput)
    .output(learnPayload)
    .query(({ ctx, input }) => service.getLearnContent(ctx.deps, input)),
});
