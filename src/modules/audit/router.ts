import { adminProcedure } from '../../trpc/init.js';
import { auditEventsInput } from './schema.js';
import { listAuditEvents } from './service.js';

/** `admin.auditEvents`: the security audit trail, for administrators. */
export const auditEvents = adminProcedure
  .input(auditEventsInput)
  .query(({ ctx, input }) => listAuditEvents(ctx.deps, input));
