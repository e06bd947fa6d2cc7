import type { Env } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import type { LearnPayload } from '../../db/schema/index.js';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { type CacheDeps, cached } from '../../lib/cache.js';
import { FALLBACK_LEARN_PAYLOAD } from './fallback.js';
import { generatedLearnContent, type LearnGenerationDeps } from './generated.js';
import { generatedLanguageOf, nativeLanguageOf } from './generated-languages.js';
import { learnLanguageOf } from './languages.js';
import * as repo from './repo.js';
import type { GetContentInput } from './schema.js';

/** What the learn module needs: the database, and the shared store as its cache. */
export interface LearnDeps extends CacheDeps {
  db: Db;
  env: Pick<Env, 'LESSON_CACHE_TTL_SECONDS'>;
}

/**
 * `learn.getContent`: the Learn tab's content of a target language for speakers of a native one, named
 * by their display names. A seeded target language gets its content from the database, translated into
 * the native language where the content has it and into English otherwise. A target on the generated
 * list gets AI-generated content once it exists (generated.ts; the fallback, provisionally, until then);
 * any other target gets the fallback content. Never an error for a name: an unknown one is simply
 * another language.
 *
 * A pure function of the two languages and the content version, so it is cached in the shared store
 * under those, keyed by language codes: only the few known pairs ever become keys, whatever names arrive.
 */
export async function getLearnContent(
  deps: LearnGenerationDeps,
  input: GetContentInput,
): Promise<LearnPayload> {
  const target = learnLanguageOf(input.targetName);
  if (target === null) {
    const generated = generatedLanguageOf(input.targetName);
    if (generated === null) return FALLBACK_LEARN_PAYLOAD;
    return generatedLearnContent(deps, generated, nativeLanguageOf(input.nativeName));
  }
  const native = learnLanguageOf(input.nativeName) ?? 'en';
  const content = await cached(
    deps,
    'learn',
    `${CONTENT_VERSION}:${target}:${native}`,
    deps.env.LESSON_CACHE_TTL_SECONDS,
    () => repo.findLearnContent(deps.db, target, native),
  );
  return content ?? FALLBACK_LEARN_PAYLOAD;
}
