import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, uuidPk } from '../columns.js';
import { lessons } from './lessons.js';
import { users } from './users.js';

export const FEEDBACK_CATEGORIES = ['bug', 'idea', 'question', 'other'] as const;
export const ISSUE_REPORT_TYPES = ['content', 'technical', 'abuse', 'other'] as const;

export interface FeedbackDeviceInfo {
  platform: string;
  version: string;
  model?: string;
}

/** The contract's `ImageFileRef`. */
export interface ScreenshotRef {
  uri: string;
  mimeType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';
  sizeBytes: number;
  name: string;
}

/**
 * `user_id` is nullable on both tables: feedback may be sent before signing in (hence the optional reply
 * email). It still cascades, so deleting an account deletes what that person wrote.
 */
export const feedback = pgTable(
  'feedback',
  {
    id: uuidPk(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    category: text('category', { enum: FEEDBACK_CATEGORIES }).notNull(),
    message: text('message').notNull(),
    email: text('email'),
    deviceInfo: jsonb('device_info').$type<FeedbackDeviceInfo>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('feedback_user_id_idx').on(t.userId),
    index('feedback_category_created_at_idx').on(t.category, t.createdAt),
    check('feedback_category_check', oneOf(t.category, FEEDBACK_CATEGORIES)),
    check('feedback_message_check', sql`char_length(${t.message}) between 5 and 2000`),
    check('feedback_email_check', sql`char_length(${t.email}) <= 254`),
  ],
);

export const issueReports = pgTable(
  'issue_reports',
  {
    id: uuidPk(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ISSUE_REPORT_TYPES }).notNull(),
    description: text('description').notNull(),
    lessonId: text('lesson_id').references(() => lessons.id, { onDelete: 'set null' }),
    screenshot: jsonb('screenshot').$type<ScreenshotRef>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('issue_reports_user_id_idx').on(t.userId),
    index('issue_reports_lesson_id_idx').on(t.lessonId),
    index('issue_reports_type_created_at_idx').on(t.type, t.createdAt),
    check('issue_reports_type_check', oneOf(t.type, ISSUE_REPORT_TYPES)),
    check('issue_reports_description_check', sql`char_length(${t.description}) between 10 and 1000`),
  ],
);

export type Feedback = typeof feedback.$inferSelect;
export type NewFeedback = typeof feedback.$inferInsert;
export type IssueReport = typeof issueReports.$inferSelect;
export type NewIssueReport = typeof issueReports.$inferInsert;
