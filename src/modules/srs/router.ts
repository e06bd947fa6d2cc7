import { authedProcedure, router } from '../../trpc/init.js';
import { getDueInput, submitReviewInput } from './schema.js';
import * as service from './service.js';

/** `srs.*`: the caller's spaced-repetition queue (FSRS). */
export const srsRouter = router({
  getDue: authedProcedure
    .input(getDueInput)
    .query(({ ctx, input }) => service.getDueCards(ctx.deps, { userId: ctx.caller.userId }, input)),
  submitReview: authedProcedure
    .input(submitReviewInput)
    .mutation(({ ctx, input }) => service.submitReview(ctx.deps, { userId: ctx.caller.userId }, input)),
});
