import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { LearnPayload } from '../../db/schema/index.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { completeStructured } from '../../integrations/ai/structured.js';
import type { AiProviders, LlmClient, LlmMessage } from '../../integrations/ai/types.js';
import { type CacheDeps, cached } from '../../lib/cache.js';
import { limitResponseCaching } from '../../lib/request-context.js';
import { isStoreUnavailable } from '../../lib/store/availability.js';
import { FALLBACK_LEARN_PAYLOAD } from './fallback.js';
import { englishNameOf } from './generated-languages.js';
import * as repo from './generated-repo.js';
import { asLearnPayload, generatedLearnPayload, toLearnPayload } from './generated-schema.js';

/** Bumped when the prompt or the validation changes: older content is then regenerated (and served meanwhile). */
export const LEARN_GENERATOR_VERSION = 'learn-gen-1';
/** How long a provisional answer (the fallback while content is generated) may be cached anywhere. */
export const PROVISIONAL_MAX_AGE_SECONDS = 5;
/**
 * One generation per pair across instances: the lease outlives both model calls (30 s deadline each).
 * A failed generation leaves it to expire, so a pair whose output is invalid is tried again at most this
 * often, not on every request.
 */
export const GENERATION_LEASE_MS = 90_000;
/** Generated content is kept this long, then regenerated (served meanwhile): models and languages improve. */
const KEEP_MS = 180 * 24 * 3_600_000;

/** What generated Learn content needs: the learn module's own dependencies, the AI provider and the clock. */
export interface LearnGenerationDeps extends CacheDeps {
  db: Db;
  env: Pick<Env, 'LESSON_CACHE_TTL_SECONDS'>;
  ai: Pick<AiProviders, 'llm'>;
  clock: () => Date;
}

interface Pair {
  target: string;
  native: string;
  targetName: string;
  nativeName: string;
}

/**
 * The Learn content of a target language without seeded content (on the generated list) for speakers of
 * `native`. Generated content is read from `learn_content_cache` (through the shared store) and is final.
 * Without it the answer comes at once: the previous generator version's content if there is one, else the
 * fallback, marked provisional (cached at most PROVISIONAL_MAX_AGE_SECONDS) while the content is generated
 * in the background, by one instance per pair (a lease in the shared store). Without a provider the
 * fallback is the final answer until a provider is configured. Never throws for a provider's failure.
 */
export async function generatedLearnContent(
  deps: LearnGenerationDeps,
  target: string,
  native: string,
): Promise<LearnPayload> {
  const pair = { target, native, targetName: englishNameOf(target), nativeName: englishNameOf(native) };
  let previous: LearnPayload | null = null;
  const current = await cached(
    deps,
    'learn',
    `${CONTENT_VERSION}:gen:${LEARN_GENERATOR_VERSION}:${target}:${native}`,
    deps.env.LESSON_CACHE_TTL_SECONDS,
    async () => {
      const row = await repo.findGeneratedContent(deps.db, pair.targetName, pair.nativeName);
      const payload = row && toLearnPayload(target, row.payload);
      if (!row || !payload) return null;
      if (row.contentVersion === LEARN_GENERATOR_VERSION && row.expiresAt > deps.clock()) return payload;
      previous = payload;
      return null;
    },
  );
  if (current) return current;
  const llm = deps.ai.llm;
  if (llm === null) return previous ?? FALLBACK_LEARN_PAYLOAD;
  limitResponseCaching(PROVISIONAL_MAX_AGE_SECONDS);
  if (llm.circuit !== 'open') {
    generateInBackground(deps, llm, pair).catch((error: unknown) => {
      // Without the store there is no lease, so no generation (one per instance per request would stampede
      // the provider): the fallback content serves until the store is back. The outage is logged once.
      if (isStoreUnavailable(error)) return;
      deps.log.warn({ err: error, target, native }, 'learn content generation failed');
    });
  }
  return previous ?? FALLBACK_LEARN_PAYLOAD;
}

async function generateInBackground(deps: LearnGenerationDeps, llm: LlmClient, pair: Pair): Promise<void> {
  const lease = `learn:generate:${LEARN_GENERATOR_VERSION}:${pair.target}:${pair.native}`;
  if (!(await deps.kv.setIfAbsent(lease, '1', GENERATION_LEASE_MS))) return;
  // Another instance may have finished between our read and the lease.
  const row = await repo.findGeneratedContent(deps.db, pair.targetName, pair.nativeName);
  if (row && row.contentVersion === LEARN_GENERATOR_VERSION && row.expiresAt > deps.clock()) return;

  const answer = await completeStructured(
    llm,
    { messages: promptFor(pair), temperature: 0.3 },
    generatedLearnPayload,
  );
  if (!answer.ok) {
    deps.log.warn(
      { target: pair.target, native: pair.native, reasons: answer.reasons },
      'invalid learn content',
    );
    return;
  }
  await repo.saveGeneratedContent(deps.db, {
    targetName: pair.targetName,
    nativeName: pair.nativeName,
    payload: asLearnPayload(pair.target, answer.value),
    version: LEARN_GENERATOR_VERSION,
    expiresAt: new Date(deps.clock().getTime() + KEEP_MS),
  });
  deps.log.info({ target: pair.target, native: pair.native }, 'generated learn content');
}

/** The prompt: both languages come from closed lists (no user text reaches the provider). */
function promptFor(pair: Pair): LlmMessage[] {
  return [
    {
      role: 'system',
      content: [
        'You write beginner content for a language learning app. Answer with one JSON object only, no prose:',
        '{"alphabet": 5-80 letters or basic characters [{"character", "romanization"?, "pronunciation",',
        '   "type": "vowel"|"consonant"|"special", "difficulty": 1-5, "examples": [{"word", "translation", "pronunciation"?}] (at most 4)}],',
        ' "numbers": 0 to 20 then 30, 40 … 100 [{"value", "target", "pronunciation"?}],',
        ' "commonWords": 30 words on people, time, places, food, travel [{"target", "native", "pronunciation"?, "theme"}],',
        ' "phrases": 30 everyday phrases [{"target", "native", "pronunciation"?, "context"}],',
        ' "tips": 8 learning tips written in the native language,',
        ' "phonics": 12-24 sounds [{"sound", "ipa"?, "graphemes": [..], "examples": [{"word", "translation"}], "mouthHint"?}]}',
        '"target" is in the target language, "native" and "translation" in the native language.',
      ].join('\n'),
    },
    {
      role: 'user',
      content: JSON.stringify({ targetLanguage: pair.targetName, nativeLanguage: pair.nativeName }),
    },
  ];
}
