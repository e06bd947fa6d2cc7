import { z } from 'zod';
import { PROFICIENCY_LEVELS } from '../../db/columns.js';
import { boundedText, textRule } from '../../db/rules.js';
import type { ChatCorrection } from '../../db/schema/chat.js';
import { translations } from '../../db/schema/translations.js';
import { languageCode, text } from '../../lib/text-input.js';
import type { UnlockedAchievement, UnlockedBadge } from '../gamification/service.js';

/** Inputs and wire shapes of api-contract §3.6. */

/** What a learner may send in one message (§3.6: 1..1000 characters). */
export const CHAT_MESSAGE_MAX = 1000;

export const sendMessageInput = z.object({
  message: text().trim().min(1).max(CHAT_MESSAGE_MAX),
  language: languageCode,
  context: text().trim().max(1000).optional(),
  /**
   * Not in the contract: a key the client chooses per message (a UUID). Sending it again answers the
   * exchange already stored, so a retried send is neither counted nor paid twice.
   */
  idempotencyKey: z.uuid().optional(),
});
export type SendMessageInput = z.infer<typeof sendMessageInput>;

export const getHistoryInput = z.object({
  limit: z.number().int().min(1).max(100).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  /**
   * Not in the contract: present (null for the first page), the answer is `{messages, nextCursor}` and
   * pages follow the cursor instead of the offset; absent, the answer is the contract's plain array.
   */
  cursor: z.string().max(200).nullable().optional(),
});
export type GetHistoryInput = z.infer<typeof getHistoryInput>;

/** The translations table's own rule for the text (its CHECK constraint: 1..1000 characters). */
const TRANSLATION_TEXT_RULE = textRule(1, 1000);

export const translateInput = z.object({
  text: boundedText(TRANSLATION_TEXT_RULE, translations.originalText),
  fromLanguage: languageCode,
  toLanguage: languageCode,
});
export type TranslateInput = z.infer<typeof translateInput>;

export const conversationStartersInput = z.object({
  language: languageCode,
  level: z.enum(PROFICIENCY_LEVELS).default('beginner'),
  topic: text().trim().max(100).optional(),
});
export type ConversationStartersInput = z.infer<typeof conversationStartersInput>;

/** A chat message as the app reads it (§3.6 `ChatMessage`). */
export interface ChatMessageDto {
  id: string;
  text: string;
  isUser: boolean;
  /** ISO 8601. */
  timestamp: string;
  language: string;
  context?: string;
  corrections?: ChatCorrection[];
  nativeTranslation?: string;
  targetTranslation?: string;
  /** Not in the contract: a canned reply given because no AI provider is configured; never stored. */
  fallback?: true;
}

export interface SendMessageResult {
  userMessage: ChatMessageDto;
  aiMessage: ChatMessageDto;
  /** Not in the contract: what this message earned (0 for a fallback or a replay). */
  xpEarned: number;
  unlocked: { badges: UnlockedBadge[]; achievements: UnlockedAchievement[] };
  /** Free messages left today after this one; -1 for premium. */
  messagesLeft: number;
  /** The same idempotency key was sent before: this is the stored exchange, nothing new was counted. */
  replayed: boolean;
}

/** The streamed variant's events: the reply's text as it comes, then the exchange as stored. */
export type StreamEvent = { type: 'chunk'; text: string } | ({ type: 'done' } & SendMessageResult);

export interface TranslationDto {
  originalText: string;
  translatedText: string;
  fromLanguage: string;
  toLanguage: string;
  confidence: number;
  /** Not in the contract: from the bundled phrase list because the AI provider could not answer. */
  fallback?: true;
}
