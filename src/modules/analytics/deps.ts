import type { Db } from '../../db/client.js';
import type { EventWriter } from './writer.js';

/** What the analytics module needs: the database to read, the event writer, and the clock. */
export interface AnalyticsDeps {
  db: Db;
  clock: () => Date;
  eventWriter: Pick<EventWriter, 'add'>;
}

/** Who is asking: analytics only ever reads the caller's own events. */
export interface AnalyticsActor {
  userId: string;
}
