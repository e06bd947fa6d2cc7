import { authedProcedure, router, withErrorFunnel } from '../../trpc/init.js';
import { resumableInput } from './schema.js';
import { onEvent } from './service.js';

/** `notifications.*` (not in the contract): the signed-in user's events, live over SSE or WebSocket. */
export const notificationsRouter = router({
  onEvent: authedProcedure
    .input(resumableInput)
    .subscription(({ ctx, input, signal }) =>
      withErrorFunnel(onEvent(ctx.deps, ctx.caller, input, signal), ctx.deps.log),
    ),
});
