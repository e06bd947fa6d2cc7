import type { TrpcContext } from '../../trpc/context.js';
import { adminProcedure, authedProcedure, router } from '../../trpc/init.js';
import * as premium from './premium.js';
import * as quota from './quota.js';
import {
  completeOnboardingInput,
  setPremiumInput,
  updateStatsInput,
  updateUserInput,
  userDto,
} from './schema.js';
import * as service from './service.js';
import * as stats from './stats.js';

type AuthedContext = TrpcContext & { caller: NonNullable<TrpcContext['caller']> };

const actorOf = (ctx: AuthedContext): service.Actor => ({
  userId: ctx.caller.userId,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});

const get = authedProcedure
  .meta({
    openapi: { method: 'GET', path: '/me', tags: ['me'], summary: "The caller's profile", auth: 'required' },
  })
  .output(userDto)
  .query(({ ctx }) => service.getProfile(ctx.deps, actorOf(ctx)));

const update = authedProcedure
  .input(updateUserInput)
  .mutation(({ ctx, input }) => service.updateProfile(ctx.deps, actorOf(ctx), input));

/** `user.*` (api-contract §3.4). Aliases share one procedure, so they can never drift apart. */
export const usersRouter = router({
  get,
  getProfile: get,
  update,
  updateSettings: update,
  completeOnboarding: authedProcedure
    .input(completeOnboardingInput)
    .mutation(({ ctx, input }) => service.completeOnboarding(ctx.deps, actorOf(ctx), input)),
  updateStats: authedProcedure
    .input(updateStatsInput)
    .mutation(({ ctx, input }) => stats.updateStats(ctx.deps, actorOf(ctx), input)),
  upgradeToPremium: authedProcedure.mutation(({ ctx }) => premium.upgradeToPremium(ctx.deps, actorOf(ctx))),
  canSendMessage: authedProcedure.query(({ ctx }) => quota.canSendMessage(ctx.deps, actorOf(ctx))),
  incrementMessageCount: authedProcedure.mutation(({ ctx }) =>
    quota.incrementMessageCount(ctx.deps, actorOf(ctx)),
  ),
});

/** Procedures of the `admin` namespace owned by this module. */
export const adminUsersRouter = router({
  setPremium: adminProcedure
    .input(setPremiumInput)
    .mutation(({ ctx, input }) => premium.setPremiumByAdmin(ctx.deps, actorOf(ctx), input)),
});
