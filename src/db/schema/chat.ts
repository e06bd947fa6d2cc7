import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, oneOf, PROFICIENCY_LEVELS, uuidPk } from '../columns.js';
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
    /** On a learner's message: the client's key for it, so a retried send is answered, not counted again. */
    idempotencyKey: uuid('idempotency_key'),
    /** On a reply: the learner's message it answers. */
    replyToId: uuid('reply_to_id').references((): AnyPgColumn => chatMessages.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('chat_messages_user_id_created_at_idx').on(t.userId, t.createdAt.desc()),
    index('chat_messages_conversation_id_created_at_idx').on(t.conversationId, t.createdAt),
    uniqueIndex('chat_messages_user_id_idempotency_key_idx')
      .on(t.userId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index('chat_messages_reply_to_id_idx').on(t.replyToId),
    check('chat_messages_text_check', sql`char_length(${t.text}) between 1 and 4000`),
  ],
);

export type ChatMessage = typeof chatMessages.$inferSelect;
export type NewChatMessage = typeof chatMessages.$inferInsert;

/** Bundled conversation starters per language and level (`chat.getConversationStarters`), seeded. */
export const conversationStarters = pgTable(
  'conversation_starters',
  {
    language: text('language').notNull(),
    level: text('level', { enum: PROFICIENCY_LEVELS }).notNull(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.level, t.position] }),
    check('conversation_starters_level_check', oneOf(t.level, PROFICIENCY_LEVELS)),
  ],
);

export type ConversationStarter = typeof conversationStarters.$inferSelect;
