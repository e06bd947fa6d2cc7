import type { TrpcContext } from '../../trpc/context.js';
import { adminProcedure, router } from '../../trpc/init.js';
import * as premium from '../users/premium.js';
import { setPremiumInput } from '../users/schema.js';
import type { Actor } from '../users/service.js';
import { adminEraseInput, adminUserIdInput, adminUserSearchInput } from './schema.js';
import * as service from './service.js';

type AuthedContext = TrpcContext & { caller: NonNullable<TrpcContext['caller']> };

const actorOf = (ctx: AuthedContext): Actor => ({
  userId: ctx.caller.userId,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});

/** `admin.users.*`: the admin console's user administration; every change is audited. */
export const adminConsoleUsersRouter = router({
  search: adminProcedure
    .input(adminUserSearchInput)
    .query(({ ctx, input }) => service.searchUsers(ctx.deps, input)),
  get: adminProcedure.input(adminUserIdInput).query(({ ctx, input }) => service.getUser(ctx.deps, input)),
  setPremium: adminProcedure
    .input(setPremiumInput)
    .mutation(({ ctx, input }) => premium.setPremiumByAdmin(ctx.deps, actorOf(ctx), input)),
  revokeSessions: adminProcedure
    .input(adminUserIdInput)
    .mutation(({ ctx, input }) => service.revokeSessionsByAdmin(ctx.deps, actorOf(ctx), input)),
  erase: adminProcedure
    .input(adminEraseInput)
    .mutation(({ ctx, input }) => service.eraseUserByAdmin(ctx.deps, actorOf(ctx), input)),
});
