import { z } from 'zod';
import { AUDIT_SEVERITIES } from '../../db/schema/index.js';
import { text } from '../../lib/text-input.js';

/** The range of times a filter or cursor may name: beyond it PostgreSQL cannot compare the value. */
export const AUDIT_TIME_RANGE = {
  min: new Date('1970-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
} as const;

/** A Date (superjson) or an ISO 8601 date-time with offset, within AUDIT_TIME_RANGE. */
const timestamp = z
  .union([z.date(), z.iso.datetime({ offset: true }).max(40)])
  .pipe(z.coerce.date<string | Date>().min(AUDIT_TIME_RANGE.min).max(AUDIT_TIME_RANGE.max));

export const auditEventsInput = z.object({
  actorUserId: z.uuid().optional(),
  event: text().trim().min(1).max(100).optional(),
  severity: z.enum(AUDIT_SEVERITIES).optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditEventsInput = z.infer<typeof auditEventsInput>;
