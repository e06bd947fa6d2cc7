import { z } from 'zod';
import { AUDIT_SEVERITIES } from '../../db/schema/index.js';

export const auditEventsInput = z.object({
  actorUserId: z.uuid().optional(),
  event: z.string().trim().min(1).max(100).optional(),
  severity: z.enum(AUDIT_SEVERITIES).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditEventsInput = z.infer<typeof auditEventsInput>;
