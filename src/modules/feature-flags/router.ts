import type { TrpcContext } from '../../trpc/context.js';
import { adminProcedure, router } from '../../trpc/init.js';
import type { Actor } from '../users/service.js';
import { deleteFlagInput, removeOverrideInput, setFlagInput, setOverrideInput } from './schema.js';
import * as service from './service.js';

const actorOf = (ctx: TrpcContext & { caller: NonNullable<TrpcContext['caller']> }): Actor => ({
  userId: ctx.caller.userId,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});

/** `admin.flags.*` (admin contract): feature flags and per-user overrides, every change audited. */
export const adminFlagsRouter = router({
  list: adminProcedure.query(({ ctx }) => service.listFlags(ctx.deps)),
  set: adminProcedure
    .input(setFlagInput)
    .mutation(({ ctx, input }) => service.setFlag(ctx.deps, actorOf(ctx), input)),
  setOverride: adminProcedure
    .input(setOverrideInput)
    .mutation(({ ctx, input }) => service.setOverride(ctx.deps, actorOf(ctx), input)),
  removeOverride: adminProcedure
    .input(removeOverrideInput)
    .mutation(({ ctx, input }) => service.removeOverride(ctx.deps, actorOf(ctx), input)),
  delete: adminProcedure
    .input(deleteFlagInput)
    .mutation(({ ctx, input }) => service.deleteFlag(ctx.deps, actorOf(ctx), input)),
});
