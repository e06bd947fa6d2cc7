import type { TrpcContext } from '../../trpc/context.js';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import * as account from './account.js';
import { deleteAccount, exportUserData } from './erasure.js';
import {
  changePasswordInput,
  deleteAccountInput,
  loginInput,
  refreshTokenInput,
  requestPasswordResetInput,
  resetPasswordInput,
  revokeSessionInput,
  signupInput,
  updateProfileInput,
  verifyEmailInput,
} from './schema.js';
import * as service from './service.js';

const clientOf = (ctx: TrpcContext, deviceFingerprint?: string) => ({
  ip: ctx.ip,
  userAgent: ctx.userAgent,
  deviceFingerprint: deviceFingerprint ?? null,
});

const login = publicProcedure
  .input(loginInput)
  .mutation(({ ctx, input }) => service.logIn(ctx.deps, input, clientOf(ctx, input.deviceFingerprint)));

const logout = authedProcedure.mutation(({ ctx }) =>
  service.logOut(ctx.deps, ctx.caller.userId, ctx.caller.sessionId, clientOf(ctx)),
);

/** api-contract §3.3, with `signin`/`signout` kept as aliases and session management added. */
export const authRouter = router({
  login,
  signin: login,
  signup: publicProcedure
    .input(signupInput)
    .mutation(({ ctx, input }) => service.signUp(ctx.deps, input, clientOf(ctx, input.deviceFingerprint))),
  logout,
  signout: logout,
  logoutAll: authedProcedure.mutation(({ ctx }) =>
    service.logOutEverywhere(ctx.deps, ctx.caller.userId, clientOf(ctx)),
  ),
  refreshToken: publicProcedure
    .input(refreshTokenInput)
    .mutation(({ ctx, input }) => service.refresh(ctx.deps, input.refreshToken, clientOf(ctx))),
  getSessions: authedProcedure.query(({ ctx }) =>
    service.listSessions(ctx.deps, ctx.caller.userId, ctx.caller.sessionId),
  ),
  revokeSession: authedProcedure
    .input(revokeSessionInput)
    .mutation(({ ctx, input }) =>
      service.revokeSession(ctx.deps, ctx.caller.userId, input.sessionId, clientOf(ctx)),
    ),
  verifyEmail: publicProcedure
    .input(verifyEmailInput)
    .mutation(({ ctx, input }) =>
      account.verifyEmail(ctx.deps, input.email, (input.code ?? input.otp)!, clientOf(ctx)),
    ),
  requestPasswordReset: publicProcedure
    .input(requestPasswordResetInput)
    .mutation(({ ctx, input }) => account.requestPasswordReset(ctx.deps, input.email, clientOf(ctx))),
  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .mutation(({ ctx, input }) =>
      account.resetPassword(ctx.deps, input.email, input.code, input.password, clientOf(ctx)),
    ),
  deleteAccount: authedProcedure
    .input(deleteAccountInput)
    .mutation(({ ctx, input }) => deleteAccount(ctx.deps, ctx.caller.userId, input.password)),
  getCurrentUser: authedProcedure.query(({ ctx }) => service.currentUser(ctx.deps, ctx.caller.userId)),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => account.updateProfile(ctx.deps, ctx.caller.userId, input, clientOf(ctx))),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => account.changePassword(ctx.deps, ctx.caller, input, clientOf(ctx))),
});

/** `user.exportData`: everything held about the caller, as JSON (data portability). */
export const accountDataRouter = router({
  exportData: authedProcedure.query(({ ctx }) => exportUserData(ctx.deps, ctx.caller.userId)),
});
