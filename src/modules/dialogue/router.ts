import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../../trpc/init.js';
import {
  getScenesInput,
  scoreSemanticInput,
  sessionIdInput,
  startSessionInput,
  submitTurnInput,
  topicDto,
} from './schema.js';
import * as service from './service.js';
import * as sessions from './sessions.js';

/**
 * `dialogue.*` (api-contract §3.11). Topics and scenes are the public catalogue, the same for every caller
 * (so publicly cacheable); sessions, turns and transcripts belong to the signed-in caller.
 */
export const dialogueRouter = router({
  getTopics: publicProcedure
    .meta({
      cache: 'public',
      openapi: {
        method: 'GET',
        path: '/dialogue/topics',
        tags: ['dialogue'],
        summary: 'The catalogue of dialogue topics',
        auth: 'none',
      },
    })
    .output(z.array(topicDto))
    .query(({ ctx }) => service.getTopics(ctx.deps)),
  getScenes: publicProcedure
    .meta({ cache: 'public' })
    .input(getScenesInput)
    .query(({ ctx, input }) => service.getScenes(ctx.deps, input)),
  getTopicProgress: authedProcedure.query(({ ctx }) => service.getTopicProgress(ctx.deps, ctx.caller)),
  startSession: authedProcedure
    .input(startSessionInput)
    .mutation(({ ctx, input }) => sessions.startSession(ctx.deps, ctx.caller, input)),
  submitTurn: authedProcedure
    .input(submitTurnInput)
    .mutation(({ ctx, input }) => sessions.submitTurn(ctx.deps, ctx.caller, input)),
  endSession: authedProcedure
    .input(sessionIdInput)
    .mutation(({ ctx, input }) => sessions.endSession(ctx.deps, ctx.caller, input)),
  getTranscript: authedProcedure
    .input(sessionIdInput)
    .query(({ ctx, input }) => sessions.getTranscript(ctx.deps, ctx.caller, input)),
  // A pure function of its input: public, as in the contract, within the default budget.
  scoreSemantic: publicProcedure
    .input(scoreSemanticInput)
    .mutation(({ input }) => service.scoreSemantic(input)),
});
