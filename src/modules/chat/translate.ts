import { z } from 'zod';
import { completeStructured } from '../../integrations/ai/structured.js';
import { AppError } from '../../lib/errors.js';
import { isStoreUnavailable } from '../../lib/store/availability.js';
import { findAccountById, learnerOf } from '../users/accounts.js';
import { localDate, startOfLocalDay } from '../users/local-date.js';
import { lexiconTranslation } from './fallback.js';
import { languageName } from './model.js';
import * as repo from './repo.js';
import type { TranslateInput, TranslationDto } from './schema.js';
import { type ChatDeps, screenLearnerText } from './service.js';

/** Free translations per day (api-contract §7.4), for a free account or, signed out, per client IP. */
export const FREE_DAILY_TRANSLATIONS = 3;
const ANONYMOUS_QUOTA_TTL_MS = 26 * 3_600_000;

const translationAnswer = z.object({
  translation: z.string().trim().min(1).max(4000),
  confidence: z.number().min(0).max(1).optional(),
});

const limitReached = () =>
  new AppError(
    'RATE_LIMITED',
    `Daily limit of ${FREE_DAILY_TRANSLATIONS} translations reached; it resets at midnight or with Premium`,
  );

/** Who asks: a signed-in user (their account's quota and history) or an anonymous client (its IP's). */
export interface Translator {
  userId: string | null;
  ip: string | null;
}

/**
 * `chat.translate` (api-contract §3.6, §7.4): translates with the model, 3 a day free. A signed-in free
 * user's translations are counted from the `translations` table on their local day (premium: unlimited),
 * and each one is stored there; a signed-out caller gets 3 a day per client IP (UTC day) in the shared
 * store, and nothing is stored. A translation is counted only when it is delivered. Personal data is
 * redacted before the text leaves; profanity is refused (VALIDATION_ERROR). Fallbacks are marked
 * `fallback: true` and neither counted nor stored: without a provider, the bundled phrase list's
 * translation, else the text unchanged with confidence 0; with a provider that fails, the phrase list's
 * translation, else the provider's typed error: SERVICE_UNAVAILABLE (with Retry-After), TIMEOUT or
 * UPSTREAM_ERROR; for a signed-out caller while the shared store is down, the phrase list's translation,
 * else SERVICE_UNAVAILABLE (with Retry-After).
 */
export async function translate(
  deps: ChatDeps,
  caller: Translator,
  input: TranslateInput,
  signal?: AbortSignal,
): Promise<TranslationDto> {
  const text = screenLearnerText(input.text, 'text');
  const base = { originalText: input.text, fromLanguage: input.fromLanguage, toLanguage: input.toLanguage };
  if (input.fromLanguage.toLowerCase() === input.toLanguage.toLowerCase())
    return { ...base, translatedText: input.text, confidence: 1 };

  const fallback = (error: AppError): TranslationDto => {
    const known = lexiconTranslation(input.text, input.fromLanguage, input.toLanguage);
    if (known === null) throw error;
    return { ...base, translatedText: known, confidence: 0.9, fallback: true };
  };
  const llm = deps.ai.llm;
  if (!llm) {
    // No provider at all (a laptop, `npm start`): the phrase list, else the text as it is, marked.
    const known = lexiconTranslation(input.text, input.fromLanguage, input.toLanguage);
    return { ...base, translatedText: known ?? input.text, confidence: known ? 0.9 : 0, fallback: true };
  }

  const now = deps.clock();
  let quota: QuotaReservation;
  try {
    quota = await reserveQuota(deps, caller, now);
  } catch (error) {
    // An anonymous caller's quota lives only in the shared store: while it is down, the phrase list
    // answers what it knows, anything else is a 503 with Retry-After (never the provider, unmetered).
    if (isStoreUnavailable(error)) return fallback(error);
    throw error;
  }
  let answer: Awaited<ReturnType<typeof completeStructured<z.infer<typeof translationAnswer>>>>;
  try {
    answer = await completeStructured(
      llm,
      {
        messages: [
          {
            role: 'system',
            content:
              `Translate the user's text from ${languageName(input.fromLanguage)} to ${languageName(input.toLanguage)}. ` +
              'Answer with one JSON object: {"translation": string, "confidence": number between 0 and 1}.',
          },
          { role: 'user', content: text },
        ],
        temperature: 0,
        signal,
      },
      translationAnswer,
    );
  } catch (error) {
    await quota.release();
    if (error instanceof AppError) return fallback(error);
    throw error;
  }
  if (!answer.ok) {
    await quota.release();
    deps.log.warn('chat.translate: the model answered twice without the expected JSON');
    return fallback(new AppError('UPSTREAM_ERROR', 'The AI service sent an unusable translation'));
  }
  const translated = answer.value.translation;
  await quota.commit(text, translated, input);
  return { ...base, translatedText: translated, confidence: answer.value.confidence ?? 0.9 };
}

interface QuotaReservation {
  /** Stores the translation (signed in) and keeps the count. */
  commit(text: string, translated: string, input: TranslateInput): Promise<void>;
  /** Gives the reserved translation back (nothing was delivered). */
  release(): Promise<void>;
}

async function reserveQuota(deps: ChatDeps, caller: Translator, now: Date): Promise<QuotaReservation> {
  if (caller.userId === null) return reserveAnonymous(deps, caller.ip ?? 'unknown', now);
  const userId = caller.userId;
  const learner = await learnerOf(deps, userId, now);
  if (!learner) throw new AppError('NOT_FOUND', 'User not found');
  const since = startOfLocalDay(learner.timeZone, now);
  if (
    !learner.isPremium &&
    (await repo.countTranslationsSince(deps.db, userId, since)) >= FREE_DAILY_TRANSLATIONS
  )
    throw limitReached();
  return {
    async commit(text, translated, input) {
      await deps.db.transaction(async (tx) => {
        // One translation of a user at a time, so concurrent ones cannot pass the count together.
        await findAccountById({ db: tx }, userId, { lock: true });
        if (
          !learner.isPremium &&
          (await repo.countTranslationsSince(tx, userId, since)) >= FREE_DAILY_TRANSLATIONS
        )
          throw limitReached();
        await repo.insertTranslation(tx, {
          userId,
          // The text as the provider saw it, within the column's bound.
          originalText: text.slice(0, 1000),
          translatedText: translated,
          sourceLanguage: input.fromLanguage,
          targetLanguage: input.toLanguage,
          createdAt: now,
          lastAccessedAt: now,
        });
      });
    },
    release: async () => undefined,
  };
}

async function reserveAnonymous(deps: ChatDeps, ip: string, now: Date): Promise<QuotaReservation> {
  const key = `chat:translate:ip:${localDate('UTC', now)}:${ip}`;
  const used = await deps.kv.increment(key, 1, ANONYMOUS_QUOTA_TTL_MS);
  const release = async () => {
    await deps.kv.increment(key, -1, ANONYMOUS_QUOTA_TTL_MS);
  };
  if (used > FREE_DAILY_TRANSLATIONS) {
    await release();
    throw limitReached();
  }
  return { commit: async () => undefined, release };
}
