import { z } from 'zod';
import { publicProcedure, router } from '../../trpc/init.js';

/** `example.hi`: kept from the contract; also the simplest end-to-end check of superjson (it returns a Date). */
export const exampleRouter = router({
  hi: publicProcedure
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => ({ hello: `Hello ${input.name}`, date: ctx.deps.clock() })),
});
