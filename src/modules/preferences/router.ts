import { authedProcedure, router } from '../../trpc/init.js';
import { upsertPreferencesInput } from './schema.js';
import * as service from './service.js';

/** `preferences.*` (api-contract §3.9): the caller's own profile only. */
export const preferencesRouter = router({
  get: authedProcedure.query(({ ctx }) => service.getPreferences(ctx.deps, ctx.caller.userId)),
  upsert: authedProcedure
    .input(upsertPreferencesInput)
    .mutation(({ ctx, input }) => service.upsertPreferences(ctx.deps, ctx.caller.userId, input)),
});
