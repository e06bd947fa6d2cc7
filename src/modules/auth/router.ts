import type { TrpcContext } from '../../trpc/context.js';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import * as users from '../users/service.js';
import * as account from './account.js';
import {
  changePasswordInput,
  loginInput,
  refreshTokenInput,
  requestPasswordResetInput,
  resetPasswordInput,
  revokeSessionInput,
  signupInput,
  unlockAccountInput,
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
  .meta({ rateLimit: 'login-ip' })
  .input(loginInput)
  .mutation(({ ctx, input }) => service.logIn(ctx.deps, input, clientOf(ctx, input.deviceFingerprint)));

const logout = authedProcedure.mutation(({ ctx }) =>
  service.logOut(ctx.deps, ctx.caller.userId, ctx.caller.sessionId, clientOf(ctx)),
);

/** Procedures that spend the per-address budget of email code operations. */
const codeProcedure = publicProcedure.meta({ rateLimit: 'email-code-ip' });

/**
 * api-contract §3.3, with `signin`/`signout` kept as aliases, session management and account unlock added.
 * `deleteAccount` lives with the data-protection procedures (modules/privacy).
 */
export const authRouter = router({
  login,
  signin: login,
  signup: publicProcedure
    .meta({ rateLimit: 'signup-ip' })
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
  verifyEmail: codeProcedure
    .input(verifyEmailInput)
    .mutation(({ ctx, input }) =>
      account.verifyEmail(ctx.deps, input.email, (input.code ?? input.otp)!, clientOf(ctx)),
    ),
  requestPasswordReset: codeProcedure
    .input(requestPasswordResetInput)
    .mutation(({ ctx, input }) => account.requestPasswordReset(ctx.deps, input.email, clientOf(ctx))),
  resetPassword: codeProcedure
    .input(resetPasswordInput)
    .mutation(({ ctx, input }) =>
      account.resetPassword(ctx.deps, input.email, input.code, input.password, clientOf(ctx)),
    ),
  unlockAccount: codeProcedure
    .input(unlockAccountInput)
    .mutation(({ ctx, input }) => service.unlockAccount(ctx.deps, input.email, input.code, clientOf(ctx))),
  getCurrentUser: authedProcedure.query(({ ctx }) => service.currentUser(ctx.deps, ctx.caller.userId)),
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) =>
      users.updateProfile(
        ctx.deps,
        { userId: ctx.caller.userId, ip: ctx.ip, userAgent: ctx.userAgent },
        input,
      ),
    ),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => account.changePassword(ctx.deps, ctx.caller, input, clientOf(ctx))),
});
