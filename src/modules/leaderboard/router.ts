import { authedProcedure, publicProcedure, router, withErrorFunnel } from '../../trpc/init.js';
import { onChange } from './live.js';
import {
  analyticsLeaderboardInput,
  compareUsersInput,
  followInput,
  onChangeInput,
  rankingsInput,
  rankingsPage,
  searchUsersInput,
  userStatsInput,
} from './schema.js';
import * as service from './service.js';

const rankings = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/leaderboards',
      tags: ['leaderboards'],
      summary: 'A page of a leaderboard',
      description: 'The `friends` board ranks the caller and those they follow: it needs a bearer token.',
      auth: 'optional',
    },
  })
  .input(rankingsInput)
  .output(rankingsPage)
  .query(({ ctx, input }) => service.rankings(ctx.deps, ctx.caller?.userId ?? null, input));

/** `leaderboard.*` (api-contract §3.10), plus follow/unfollow for the friends leaderboard. */
export const leaderboardRouter = router({
  get: rankings,
  getRankings: rankings,
  searchUsers: publicProcedure
    .input(searchUsersInput)
    .query(({ ctx, input }) => service.searchUsers(ctx.deps, input)),
  getUserStats: authedProcedure
    .input(userStatsInput)
    .query(({ ctx, input }) => service.userStats(ctx.deps, input.userId)),
  compareUsers: publicProcedure
    .input(compareUsersInput)
    .query(({ ctx, input }) => service.compareUsers(ctx.deps, input.userId1, input.userId2)),
  getGlobalStats: publicProcedure.query(({ ctx }) => service.globalStats(ctx.deps)),
  follow: authedProcedure
    .input(followInput)
    .mutation(({ ctx, input }) => service.follow(ctx.deps, ctx.caller.userId, input.userId)),
  // Not in the contract: the top of a board now and on each change, over SSE or WebSocket.
  onChange: publicProcedure
    .input(onChangeInput)
    .subscription(({ ctx, input, signal }) =>
      withErrorFunnel(onChange(ctx.deps, input, signal), ctx.deps.log),
    ),
  unfollow: authedProcedure
    .input(followInput)
    .mutation(({ ctx, input }) => service.unfollow(ctx.deps, ctx.caller.userId, input.userId)),
});

/** `analytics.getLeaderboard`: owned here, served under the analytics namespace the app calls. */
export const analyticsLeaderboardProcedure = publicProcedure
  .input(analyticsLeaderboardInput)
  .query(({ ctx, input }) => service.analyticsLeaderboard(ctx.deps, input));
