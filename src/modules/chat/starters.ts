import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CONTENT_VERSION } from '../../db/seed/content/index.js';
import { completeStructured } from '../../integrations/ai/structured.js';
import { AppError } from '../../lib/errors.js';
import { containsProfanity, redactPersonalData } from '../../lib/safety.js';
import { languageName } from './model.js';
import * as repo from './repo.js';
import type { ConversationStartersInput } from './schema.js';
import type { ChatDeps } from './service.js';

/** The language whose starters stand in for a language without its own. */
const DEFAULT_STARTERS_LANGUAGE = 'en';
const GENERATED_TTL_MS = 24 * 3_600_000;

const generatedStarters = z.object({
  starters: z.array(z.string().trim().min(1).max(200)).min(3).max(6),
});

/**
 * `chat.getConversationStarters` (api-contract §3.6): the bundled starters of the language and level
 * (English ones for a language without its own). With a `topic` and a provider, starters on that topic
 * written by the model, shared for a day through the shared store per language, level and topic. Never
 * errors: any trouble with the model, the store or the topic answers the bundled starters.
 */
export async function getConversationStarters(
  deps: ChatDeps,
  input: ConversationStartersInput,
): Promise<string[]> {
  const language = input.language.toLowerCase();
  const topic = input.topic ? redactPersonalData(input.topic).text : '';
  const llm = deps.ai.llm;
  if (topic && llm && !containsProfanity(topic)) {
    const key = `chat:starters:${CONTENT_VERSION}:${language}:${input.level}:${createHash('sha256').update(topic.toLowerCase()).digest('base64url')}`;
    try {
      const cached = await deps.kv.get(key);
      if (cached) return JSON.parse(cached) as string[];
      const answer = await completeStructured(
        llm,
        {
          messages: [
            {
              role: 'system',
              content:
                `Write four short questions in ${languageName(language)} that open a conversation about the ` +
                `user's topic with a ${input.level} learner of that language. Answer with one JSON object: ` +
                '{"starters": [string, …]}.',
            },
            { role: 'user', content: topic },
          ],
          temperature: 0.8,
        },
        generatedStarters,
      );
      if (answer.ok) {
        await deps.kv.set(key, JSON.stringify(answer.value.starters), GENERATED_TTL_MS);
        return answer.value.starters;
      }
      deps.log.warn('chat.getConversationStarters: the model answered twice without the expected JSON');
    } catch (error) {
      if (!(error instanceof AppError)) deps.log.warn({ err: error }, 'chat: starters not generated');
    }
  }
  const seeded = await repo.starters(deps.db, language.split('-')[0]!, input.level);
  return seeded.length > 0 ? seeded : repo.starters(deps.db, DEFAULT_STARTERS_LANGUAGE, input.level);
}
