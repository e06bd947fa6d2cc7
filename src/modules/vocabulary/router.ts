import { authedProcedure, router } from '../../trpc/init.js';
import {
  addVocabularyInput,
  listVocabularyInput,
  removeVocabularyInput,
  vocabularyPageDto,
} from './schema.js';
import * as service from './service.js';

/** `vocabulary.*`: the caller's own word list; each word is also a spaced-repetition card. */
export const vocabularyRouter = router({
  add: authedProcedure
    .input(addVocabularyInput)
    .mutation(({ ctx, input }) => service.addEntry(ctx.deps, { userId: ctx.caller.userId }, input)),
  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/me/vocabulary',
        tags: ['me'],
        summary: "The caller's vocabulary, newest first, a page at a time",
        auth: 'required',
      },
    })
    .input(listVocabularyInput)
    .output(vocabularyPageDto)
    .query(({ ctx, input }) => service.listEntries(ctx.deps, { userId: ctx.caller.userId }, input)),
  remove: authedProcedure
    .input(removeVocabularyInput)
    .mutation(({ ctx, input }) => service.removeEntry(ctx.deps, { userId: ctx.caller.userId }, input)),
});
