import { z } from 'zod';
import { email } from '../users/schema.js';

export const adminUserSearchInput = z.object({
  /** An email or name fragment (case-insensitive), or a user id (exact). */
  query: z.string().trim().max(254).optional(),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type AdminUserSearchInput = z.infer<typeof adminUserSearchInput>;

export const adminUserIdInput = z.object({ userId: z.uuid() });
export type AdminUserIdInput = z.infer<typeof adminUserIdInput>;

export const adminEraseInput = z.object({
  userId: z.uuid(),
  /** Must be the account's email: the console makes the operator type it. */
  confirmEmail: email,
});
export type AdminEraseInput = z.infer<typeof adminEraseInput>;
