import type { TrpcContext } from '../../trpc/context.js';
import { publicProcedure, router } from '../../trpc/init.js';
import { clearCacheInput, fetchInput, fetchMultipleInput } from './schema.js';
import * as service from './service.js';

const callerOf = (ctx: TrpcContext): service.TutorDataCaller => ({
  userId: ctx.caller?.userId ?? null,
  ip: ctx.ip,
});

/**
 * `tutorData.*` (api-contract §3.12). Public, as the app calls them without a token; fetches spend the
 * `outbound-fetch` budget, and the cache each caller clears or inspects is its own view.
 */
export const tutorDataRouter = router({
  fetch: publicProcedure
    .meta({ rateLimit: 'outbound-fetch' })
    .input(fetchInput)
    .mutation(({ ctx, input }) => service.fetchTutorData(ctx.deps, callerOf(ctx), input)),
  fetchMultiple: publicProcedure
    .meta({ rateLimit: 'outbound-fetch' })
    .input(fetchMultipleInput)
    .mutation(({ ctx, input }) => service.fetchMultiple(ctx.deps, callerOf(ctx), input)),
  clearCache: publicProcedure
    .input(clearCacheInput)
    .mutation(({ ctx, input }) => service.clearCache(ctx.deps, callerOf(ctx), input)),
  getCacheStats: publicProcedure.query(({ ctx }) => service.getCacheStats(ctx.deps, callerOf(ctx))),
});
