import { authedProcedure } from '../../trpc/init.js';
import { analyzePronunciationInput } from './schema.js';
import { analyzePronunciation } from './service.js';

/**
 * `chat.analyzePronunciation` (api-contract §3.6): signed-in callers, within the `ai` budget. It lives in
 * its own module and joins the `chat` namespace in modules/chat/router.ts.
 */
export const analyzePronunciationProcedure = authedProcedure
  .meta({ rateLimit: 'ai' })
  .input(analyzePronunciationInput)
  .mutation(({ ctx, input, signal }) =>
    analyzePronunciation(ctx.deps, { userId: ctx.caller.userId }, input, signal),
  );
