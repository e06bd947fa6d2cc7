import { authedProcedure } from '../../trpc/init.js';
import { deleteAccountInput } from './schema.js';
import { deleteAccount, exportUserData } from './service.js';

/** `auth.deleteAccount`: erasure, with the password and the word DELETE. */
export const deleteAccountProcedure = authedProcedure
  .input(deleteAccountInput)
  .mutation(({ ctx, input }) => deleteAccount(ctx.deps, ctx.caller.userId, input.password));

/** `user.exportData`: everything held about the caller, as JSON (data portability). */
export const exportDataProcedure = authedProcedure.query(({ ctx }) =>
  exportUserData(ctx.deps, ctx.caller.userId),
);
