import { z } from 'zod';

export const deleteAccountInput = z.object({
  password: z.string().min(1).max(256),
  confirmation: z.literal('DELETE', { error: 'CONFIRMATION_INVALID' }),
});
