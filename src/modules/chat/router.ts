import { authedProcedure, publicProcedure, router, withErrorFunnel } from '../../trpc/init.js';
import { resumableInput } from '../notifications/schema.js';
import { analyzePronunciationProcedure } from '../pronunciation/router.js';
import { onMessage } from './live.js';
import { conversationStartersInput, getHistoryInput, sendMessageInput, translateInput } from './schema.js';
import * as service from './service.js';
import { getConversationStarters } from './starters.js';
import { streamMessage } from './stream.js';
import { translate } from './translate.js';

/**
 * `chat.*` (api-contract §3.6) on the AI provider. `analyzePronunciation` lives with speech scoring in
 * modules/pronunciation.
 * The calls that reach the model spend the `ai` budget.
 */
export const chatRouter = router({
  sendMessage: authedProcedure
    .meta({ rateLimit: 'ai' })
    .input(sendMessageInput)
    .mutation(({ ctx, input, signal }) => service.sendMessage(ctx.deps, ctx.caller, input, signal)),
  // Not in the contract: the reply as it is written, over SSE (httpSubscriptionLink).
  streamMessage: authedProcedure
    .meta({ rateLimit: 'ai' })
    .input(sendMessageInput)
    .subscription(({ ctx, input, signal }) =>
      withErrorFunnel(streamMessage(ctx.deps, ctx.caller, input, signal), ctx.deps.log),
    ),
  // Not in the contract: stored messages from every device and replies as they are written, live.
  onMessage: authedProcedure
    .input(resumableInput)
    .subscription(({ ctx, input, signal }) =>
      withErrorFunnel(onMessage(ctx.deps, ctx.caller, input, signal), ctx.deps.log),
    ),
  getHistory: authedProcedure
    .input(getHistoryInput)
    .query(({ ctx, input }) => service.getHistory(ctx.deps, ctx.caller, input)),
  translate: publicProcedure
    .meta({ rateLimit: 'ai' })
    .input(translateInput)
    .mutation(({ ctx, input, signal }) =>
      translate(ctx.deps, { userId: ctx.caller?.userId ?? null, ip: ctx.ip }, input, signal),
    ),
  getConversationStarters: publicProcedure
    .meta({ rateLimit: 'ai' })
    .input(conversationStartersInput)
    .query(({ ctx, input }) => getConversationStarters(ctx.deps, input)),
  analyzePronunciation: analyzePronunciationProcedure,
});
