import { randomUUID } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import type { AnalyticsActor, AnalyticsDeps } from './deps.js';
import type { TrackEventInput, TrackEventResult } from './schema.js';

/** How far back an event may be dated: older ones are refused (an offline queue replays within days). */
export const MAX_EVENT_AGE_DAYS = 30;

/**
 * `analytics.trackEvent` / `analytics.track`: stores one event of the caller and answers once its row is
 * committed, in a batch shared with concurrent calls. An event dated after its receipt (a device clock
 * running ahead) is dated at its receipt; one dated more than MAX_EVENT_AGE_DAYS before it is refused.
 * Throws VALIDATION_ERROR for such a timestamp, SERVICE_UNAVAILABLE (503, Retry-After) when too many
 * events are waiting to be written or the service is stopping.
 */
export async function trackEvent(
  deps: Pick<AnalyticsDeps, 'clock' | 'eventWriter'>,
  actor: AnalyticsActor,
  input: TrackEventInput,
): Promise<TrackEventResult> {
  const receivedAt = deps.clock();
  const id = randomUUID();
  await deps.eventWriter.add({
    id,
    userId: actor.userId,
    event: input.event,
    properties: input.properties,
    occurredAt: occurredAt(input.timestamp, receivedAt),
    receivedAt,
  });
  return { success: true, eventId: id };
}

/** The event's time: the client's (ISO 8601, checked by the input schema), at most its receipt. */
function occurredAt(timestamp: string | undefined, receivedAt: Date): Date {
  if (timestamp === undefined) return receivedAt;
  const at = new Date(timestamp);
  if (at.getTime() < receivedAt.getTime() - MAX_EVENT_AGE_DAYS * 86_400_000) {
    const message = `timestamp is more than ${MAX_EVENT_AGE_DAYS} days in the past`;
    throw new AppError('VALIDATION_ERROR', message, {
      issues: [{ path: 'timestamp', message, code: 'OUT_OF_RANGE' }],
    });
  }
  return at.getTime() > receivedAt.getTime() ? receivedAt : at;
}
