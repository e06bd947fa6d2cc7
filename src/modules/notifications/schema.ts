import { z } from 'zod';
import { STREAM_ID } from '../../realtime/streams.js';

/**
 * A subscription that resumes: tRPC puts the last tracked id the client received into `lastEventId`
 * (httpSubscriptionLink on reconnect, the `Last-Event-ID` header, or wsLink), and the feed replays what
 * came after it. Absent, the feed starts with the next event.
 */
export const resumableInput = z
  .object({ lastEventId: z.string().max(40).regex(STREAM_ID, 'not an event id').nullish() })
  .optional();
export type ResumableInput = z.infer<typeof resumableInput>;
