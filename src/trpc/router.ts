import { auditEvents } from '../modules/audit/router.js';
import { authRouter } from '../modules/auth/router.js';
import { exampleRouter } from '../modules/example/router.js';
import { lessonsRouter } from '../modules/lessons/router.js';
import { deleteAccountProcedure, exportDataProcedure } from '../modules/privacy/router.js';
import { tutorDataRouter } from '../modules/tutor-data/router.js';
import { adminUsersRouter, usersRouter } from '../modules/users/router.js';
import { mergeRouters, router } from './init.js';

/**
 * The app's tRPC contract (api-contract §3). Every namespace the app knows exists; each feature module
 * adds its procedures to its namespace as it lands.
 */
export const appRouter = router({
  example: exampleRouter,
  auth: mergeRouters(authRouter, router({ deleteAccount: deleteAccountProcedure })),
  user: mergeRouters(usersRouter, router({ exportData: exportDataProcedure })),
  lessons: lessonsRouter,
  chat: router({}),
  analytics: router({}),
  learn: router({}),
  preferences: router({}),
  leaderboard: router({}),
  dialogue: router({}),
  tutorData: tutorDataRouter,
  admin: mergeRouters(router({ auditEvents }), adminUsersRouter),
});

export type AppRouter = typeof appRouter;
