import { adminConsoleUsersRouter } from '../modules/admin-users/router.js';
import { analyticsRouter } from '../modules/analytics/router.js';
import { auditEvents } from '../modules/audit/router.js';
import { authRouter } from '../modules/auth/router.js';
import { chatRouter } from '../modules/chat/router.js';
import { dialogueRouter } from '../modules/dialogue/router.js';
import { exampleRouter } from '../modules/example/router.js';
import { adminFlagsRouter } from '../modules/feature-flags/router.js';
import { analyticsLeaderboardProcedure, leaderboardRouter } from '../modules/leaderboard/router.js';
import { learnRouter } from '../modules/learn/router.js';
import { lessonsRouter } from '../modules/lessons/router.js';
import { notificationsRouter } from '../modules/notifications/router.js';
import { preferencesRouter } from '../modules/preferences/router.js';
import { deleteAccountProcedure, exportDataProcedure } from '../modules/privacy/router.js';
import { adminReportsRouter } from '../modules/reporting/router.js';
import { srsRouter } from '../modules/srs/router.js';
import { tutorDataRouter } from '../modules/tutor-data/router.js';
import { adminUsersRouter, usersRouter } from '../modules/users/router.js';
import { vocabularyRouter } from '../modules/vocabulary/router.js';
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
  chat: chatRouter,
  analytics: mergeRouters(analyticsRouter, router({ getLeaderboard: analyticsLeaderboardProcedure })),
  learn: learnRouter,
  preferences: preferencesRouter,
  leaderboard: leaderboardRouter,
  dialogue: dialogueRouter,
  tutorData: tutorDataRouter,
  // Not in the contract's list (§3): the learning domain's own namespaces.
  srs: srsRouter,
  vocabulary: vocabularyRouter,
  notifications: notificationsRouter,
  admin: mergeRouters(
    router({ auditEvents }),
    adminUsersRouter,
    router({ reports: adminReportsRouter, users: adminConsoleUsersRouter, flags: adminFlagsRouter }),
  ),
});

export type AppRouter = typeof appRouter;
