import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../db/client.js';
import { readAll } from '../../db/reads.js';
import type { ChatMessage } from '../../db/schema/index.js';
import { WriteBatch } from '../../db/write-batch.js';
import type { AiProviders, LlmMessage } from '../../integrations/ai/index.js';
import { completeStructured } from '../../integrations/ai/structured.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { countQuotaDenial, type Metrics } from '../../lib/metrics.js';
import { redactPersonalData, screenText } from '../../lib/safety.js';
import type { KeyValueStore } from '../../lib/store/types.js';
import type { UserEvent } from '../../realtime/events.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import { type EventsDeps, eventsWrite } from '../../realtime/outbox.js';
import { XP_PER_CHAT_MESSAGE } from '../gamification/rules.js';
import { countGrantedXp, recordActivity } from '../gamification/service.js';
import { applyRankingUpdate, type BoardDeps } from '../leaderboard/boards.js';
import { learnerOf } from '../users/accounts.js';
import { canSendMessage, spendChatMessage } from '../users/quota.js';
import { fallbackReply } from './fallback.js';
import { languageName, plainReply, tutorAnswer } from './model.js';
import * as repo from './repo.js';
import type { ChatMessageDto, GetHistoryInput, SendMessageInput, SendMessageResult } from './schema.js';

export interface ChatDeps extends BoardDeps, EventsDeps {
  db: Db;
  log: Logger;
  kv: KeyValueStore;
  clock: () => Date;
  ai: Pick<AiProviders, 'llm'>;
  /** Board changes (the leaderboards), and a streaming reply's text for the learner's other devices. */
  hub: Pick<RealtimeHub, 'boardChanged' | 'sendLive'>;
  /** Chat messages, their XP and quota denials are counted here. */
  metrics: Pick<Metrics, 'business' | 'daily'>;
}

export interface ChatActor {
  userId: string;
}

/** Stored messages sent to the model with a new one (api-contract §7.4: the last 20). */
export const CONTEXT_MESSAGES = 20;

/**
 * The learner's text as it may leave for the provider and be stored: personal data redacted. Profanity
 * is refused (VALIDATION_ERROR on `field`), as the dialogue safety filter does: nothing of it is kept,
 * sent on or counted.
 */
export function screenLearnerText(text: string, field: string): string {
  const verdict = screenText(text);
  if (!verdict.safe) {
    throw new AppError('VALIDATION_ERROR', "Let's keep our conversation appropriate and respectful.", {
      issues: [{ path: field, message: 'contains inappropriate language', code: verdict.reason }],
    });
  }
  return verdict.text;
}

/** A screened message, ready for the model. */
export interface PreparedMessage {
  text: string;
  context: string | null;
  now: Date;
  timeZone: string;
  isPremium: boolean;
  /** The last stored messages, newest first, sent to the model as context (none without a provider). */
  recent: ChatMessage[];
}

/**
 * Everything before the model is asked: the safety filter, an open circuit's refusal, the replay of a retried send, and the daily
 * allowance checked (it is spent only when the exchange is stored, see `storeExchange`).
 * Returns the stored exchange for a replay. RATE_LIMITED when a free user has no message left today.
 */
export async function prepareMessage(
  deps: ChatDeps,
  actor: ChatActor,
  input: SendMessageInput,
): Promise<{ replay: SendMessageResult } | { prepared: PreparedMessage }> {
  const text = screenLearnerText(input.message, 'message');
  const context = input.context ? screenLearnerText(input.context, 'context') : null;
  // An open circuit refuses before any database work (bad input is still a 400 first).
  deps.ai.llm?.refuseWhileOpen();
  if (input.idempotencyKey) {
    const replay = await replayOf(deps, actor, input.idempotencyKey);
    if (replay) return { replay };
  }
  const now = deps.clock();
  const [learner, recent] = await readAll(deps.db, [
    () => learnerOf(deps, actor.userId, now),
    () => (deps.ai.llm ? repo.historyPage(deps.db, actor.userId, CONTEXT_MESSAGES, 0) : Promise.resolve([])),
  ]);
  if (!learner) throw new AppError('NOT_FOUND', 'User not found');
  if (!learner.isPremium && !(await canSendMessage(deps, actor)).canSend) {
    countQuotaDenial(deps.metrics, 'chat_messages');
    throw new AppError(
      'RATE_LIMITED',
      'Daily limit of free messages reached; it resets at midnight or with Premium',
    );
  }
  return { prepared: { text, context, now, ...learner, recent } };
}

async function replayOf(deps: ChatDeps, actor: ChatActor, key: string): Promise<SendMessageResult | null> {
  const exchange = await repo.findExchange(deps.db, actor.userId, key);
  if (!exchange) return null;
  return {
    userMessage: toDto(exchange.message),
    aiMessage: toDto(exchange.reply),
    xpEarned: 0,
    unlocked: { badges: [], achievements: [] },
    messagesLeft: (await canSendMessage(deps, actor)).messagesLeft,
    replayed: true,
  };
}

/** The conversation for the model: instructions, the last stored messages (read by `prepareMessage`), the new message. */
export function conversationFor(
  input: SendMessageInput,
  prepared: PreparedMessage,
  format: 'json' | 'text',
): LlmMessage[] {
  const target = languageName(input.language);
  const instructions = [
    `You are Linguamate, a friendly tutor helping a learner practise ${target}.`,
    `Reply in ${target}, briefly (one to three sentences), at the learner's level, and keep the conversation going.`,
    format === 'json'
      ? 'Answer with one JSON object: {"reply": string, "corrections": [{"original": string, "corrected": string, "explanation": string}], "nativeTranslation": string, "targetTranslation": string}. "corrections" lists the mistakes in the learner\'s last message (empty when there are none), "nativeTranslation" is your reply in English, "targetTranslation" your reply in ' +
        `${target}.`
      : 'Answer with the reply text only.',
    prepared.context ? `The learner's situation: ${prepared.context}` : '',
  ].filter(Boolean);
  return [
    { role: 'system', content: instructions.join('\n') },
    // Stored learner messages were redacted when stored; redacting again covers rows from before.
    ...prepared.recent.toReversed().map(
      (message): LlmMessage => ({
        role: message.isUser ? 'user' : 'assistant',
        content: message.isUser ? redactPersonalData(message.text).text : message.text,
      }),
    ),
    { role: 'user', content: prepared.text },
  ];
}

/** The reply to store: the model's answer, validated, or the degraded forms of it. */
export interface Reply {
  text: string;
  corrections: { original: string; corrected: string; explanation: string }[];
  nativeTranslation: string | null;
  targetTranslation: string | null;
}

/**
 * Stores the exchange and spends what it costs, in one transaction: the learner's message (once per
 * idempotency key), the day's allowance (RATE_LIMITED if a concurrent send took the last one: nothing is
 * stored), the reply, and the XP and streak of a chat message with what they unlock; then the
 * leaderboards. A key stored meanwhile by a concurrent retry answers that exchange.
 */
export async function storeExchange(
  deps: ChatDeps,
  actor: ChatActor,
  input: SendMessageInput,
  prepared: PreparedMessage,
  reply: Reply,
  /** The id of the live stream the reply was written in (chat.streamMessage), told with the messages. */
  streamId?: string,
): Promise<SendMessageResult> {
  // The reply is dated after the message, so newest-first history lists it first even on a still clock.
  const repliedAt = new Date(Math.max(deps.clock().getTime(), prepared.now.getTime() + 1));
  const message = messageRow(actor, input, prepared);
  const stored = await deps.db.transaction(async (tx: Tx) => {
    // A keyed message is inserted first, on its own: its key may be a retried send's, stored already.
    if (input.idempotencyKey && !(await repo.insertUserMessage(tx, message))) return null;
    const spent = await spendChatMessage({ db: tx }, actor.userId, prepared.now, prepared.timeZone);
    // The exchange is written with the XP it earns, in one statement (see WriteBatch).
    const batch = new WriteBatch(tx);
    const answer = replyRow(actor, input, message, reply, repliedAt);
    batch.add(repo.messagesWrite(tx, input.idempotencyKey ? [answer] : [message, answer]));
    // Every device of the learner sees both messages (chat.onMessage).
    batch.add(
      eventsWrite(
        tx,
        [message, answer].map(
          (row): UserEvent => ({
            userId: actor.userId,
            type: 'chat_message',
            data: { message: toDto(row), ...(streamId ? { streamId } : {}) },
          }),
        ),
      ),
    );
    const activity = await recordActivity(
      { db: tx },
      {
        userId: actor.userId,
        at: prepared.now,
        timeZone: prepared.timeZone,
        language: input.language,
        xp: [{ amount: XP_PER_CHAT_MESSAGE, source: 'chat', refId: message.id }],
      },
      { locked: spent.counters, batch },
    );
    await batch.flush();
    return { activity, answer, messagesLeft: spent.messagesLeft };
  });
  if (!stored) {
    const replay = await replayOf(deps, actor, input.idempotencyKey!);
    if (replay) return replay;
    throw new AppError('CONFLICT', 'This message is being sent already');
  }
  deps.relay.wake();
  deps.metrics.business.chatMessages.inc();
  countGrantedXp(deps.metrics, stored.activity);
  await applyRankingUpdate(deps, stored.activity.rankings);
  return {
    userMessage: toDto(message),
    aiMessage: toDto(stored.answer),
    xpEarned: stored.activity.xpEarned,
    unlocked: stored.activity.unlocked,
    messagesLeft: stored.messagesLeft,
    replayed: false,
  };
}

/** The stored form of the learner's message. */
function messageRow(actor: ChatActor, input: SendMessageInput, prepared: PreparedMessage): ChatMessage {
  return {
    id: randomUUID(),
    userId: actor.userId,
    conversationId: null,
    text: prepared.text,
    isUser: true,
    language: input.language,
    context: prepared.context,
    corrections: [],
    nativeTranslation: null,
    targetTranslation: null,
    idempotencyKey: input.idempotencyKey ?? null,
    replyToId: null,
    createdAt: prepared.now,
  };
}

/** The stored form of the model's reply to `message`. */
function replyRow(
  actor: ChatActor,
  input: SendMessageInput,
  message: ChatMessage,
  reply: Reply,
  createdAt: Date,
): ChatMessage {
  return {
    id: randomUUID(),
    userId: actor.userId,
    conversationId: null,
    text: reply.text,
    isUser: false,
    language: input.language,
    context: null,
    corrections: reply.corrections,
    nativeTranslation: reply.nativeTranslation,
    targetTranslation: reply.targetTranslation,
    idempotencyKey: null,
    replyToId: message.id,
    createdAt,
  };
}

/**
 * The answer without a provider: the canned reply of the learner's language, marked `fallback`, with the
 * learner's message as it would have been stored. Neither is stored, nothing is counted or paid.
 */
export function fallbackExchange(
  deps: ChatDeps,
  actor: ChatActor,
  input: SendMessageInput,
  prepared: PreparedMessage,
): Promise<SendMessageResult> {
  const canned = fallbackReply(input.language);
  const timestamp = prepared.now.toISOString();
  const base = { language: input.language, timestamp };
  return canSendMessage(deps, actor).then(({ messagesLeft }) => ({
    userMessage: {
      id: randomUUID(),
      text: prepared.text,
      isUser: true,
      ...base,
      ...(prepared.context ? { context: prepared.context } : {}),
    },
    aiMessage: {
      id: randomUUID(),
      text: canned.text,
      isUser: false,
      ...base,
      corrections: [],
      nativeTranslation: canned.nativeTranslation,
      targetTranslation: canned.text,
      fallback: true as const,
    },
    xpEarned: 0,
    unlocked: { badges: [], achievements: [] },
    messagesLeft,
    replayed: false,
  }));
}

/**
 * `chat.sendMessage` (api-contract §3.6, §7.4): screens the message, checks the day's allowance, asks the
 * model for a structured answer (reply, corrections, translations) with the last 20 messages as context,
 * and stores the exchange with its XP (`storeExchange`). An answer that fails validation is asked for
 * once more, then degrades to a plain reply without corrections. Without a configured provider it answers
 * the fallback at once (`fallbackExchange`). A configured provider that fails answers its typed error
 * (SERVICE_UNAVAILABLE with Retry-After, TIMEOUT, UPSTREAM_ERROR) and nothing is stored or counted.
 */
export async function sendMessage(
  deps: ChatDeps,
  actor: ChatActor,
  input: SendMessageInput,
  signal?: AbortSignal,
): Promise<SendMessageResult> {
  const step = await prepareMessage(deps, actor, input);
  if ('replay' in step) return step.replay;
  const { prepared } = step;
  const llm = deps.ai.llm;
  if (!llm) return fallbackExchange(deps, actor, input, prepared);

  const messages = conversationFor(input, prepared, 'json');
  const answer = await completeStructured(llm, { messages, temperature: 0.7, signal }, tutorAnswer);
  let reply: Reply;
  if (answer.ok) {
    reply = {
      text: answer.value.reply,
      corrections: answer.value.corrections,
      nativeTranslation: answer.value.nativeTranslation ?? null,
      targetTranslation: answer.value.targetTranslation ?? null,
    };
  } else {
    const text = plainReply(answer.raw);
    deps.log.warn({ usable: text !== null }, 'chat: the model answered twice without the expected JSON');
    if (text === null) return fallbackExchange(deps, actor, input, prepared);
    reply = { text, corrections: [], nativeTranslation: null, targetTranslation: null };
  }
  return storeExchange(deps, actor, input, prepared, reply);
}

/**
 * `chat.getHistory`: the caller's messages, newest first. Without `cursor` the contract's array from
 * `offset`; with `cursor` (null for the first page) `{messages, nextCursor}`, `nextCursor` null on the
 * last page. VALIDATION_ERROR for a cursor this server did not issue.
 */
export async function getHistory(deps: ChatDeps, actor: ChatActor, input: GetHistoryInput) {
  if (input.cursor === undefined) {
    const rows = await repo.historyPage(deps.db, actor.userId, input.limit, input.offset);
    return rows.map(toDto);
  }
  const after = input.cursor === null ? null : decodeCursor(input.cursor);
  const rows = await repo.historyAfter(deps.db, actor.userId, input.limit + 1, after);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    messages: page.map(toDto),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}

const encodeCursor = (row: ChatMessage) =>
  Buffer.from(`${row.createdAt.getTime()}:${row.id}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('VALIDATION_ERROR', 'Invalid cursor', {
      issues: [{ path: 'cursor', message: 'not a cursor from a previous page', code: 'invalid_cursor' }],
    });
  }
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

export function toDto(row: ChatMessage): ChatMessageDto {
  return {
    id: row.id,
    text: row.text,
    isUser: row.isUser,
    timestamp: row.createdAt.toISOString(),
    language: row.language,
    ...(row.context !== null && { context: row.context }),
    ...(!row.isUser && {
      corrections: row.corrections,
      ...(row.nativeTranslation !== null && { nativeTranslation: row.nativeTranslation }),
      ...(row.targetTranslation !== null && { targetTranslation: row.targetTranslation }),
    }),
  };
}
