import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, uuidPk } from '../columns.js';
import { userIdRef } from './users.js';

export interface ChatCorrection {
  original: string;
  corrected: string;
  explanation: string;
}

/** Both sides of the tutor chat: the learner's messages (`is_user`) and the AI replies. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuidPk(),
    userId: userIdRef(),
    /** Groups messages into a conversation; there is no conversations table yet, hence no foreign key. */
    conversationId: uuid('conversation_id'),
    text: text('text').notNull(),
    isUser: boolean('is_user').notNull(),
    language: text('language').notNull(),
    context: text('context'),
    corrections: jsonb('corrections').$type<ChatCorrection[]>().notNull().default([]),
    nativeTranslation: text('native_translation'),
    targetTranslation: text('target_translation'),
    createdAt: createdAt(),
  },
  (t) => [
    index('chat_messages_user_id_created_at_idx').on(t.userId, t.createdAt.desc()),
    index('chat_messages_conversation_id_created_at_idx').on(t.conversationId, t.createdAt),
    check('chat_messages_text_check', sql`char_length(${t.text}) between 1 and 4000`),
  ],
);

export type ChatMessage = typeof chatMessages.$inferSelect;
export type NewChatMessage = typeof chatMessages.$inferInsert;
