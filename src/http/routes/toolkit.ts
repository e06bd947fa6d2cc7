import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Env } from '../../config/env.js';
import type { AiProviders } from '../../integrations/ai/index.js';
import { AppError } from '../../lib/errors.js';
import { STT_SERVICE_LABEL } from '../../modules/speech/service.js';
import {
  imageEditFormFields,
  imageEditJsonInput,
  imageGenerateInput,
  llmInput,
  MAX_EDIT_IMAGES,
} from '../../modules/toolkit/schema.js';
import {
  completeText,
  editImage,
  generateImage,
  IMAGES_SERVICE_LABEL,
  LLM_SERVICE_LABEL,
  type ToolkitDeps,
} from '../../modules/toolkit/service.js';
import { createBodyLimit } from '../middleware/body-limit.js';
import { createRateLimit } from '../middleware/rate-limit.js';
import { createUploadLimit } from '../middleware/upload-limit.js';
import { isMultipart, readMultipart, textFields } from '../multipart.js';
import { respondJson } from '../respond.js';
import {
  createTranscribeHandler,
  type LimitKey,
  type PlainRouteDeps,
  parseOrThrow,
  rateOf,
  requireConfigured,
} from './stt.js';

export type ToolkitRouteDeps = PlainRouteDeps &
  ToolkitDeps & { ai: AiProviders; env: Pick<Env, 'BODY_LIMIT_BYTES' | 'UPLOAD_LIMIT_BYTES'> };

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.raw.json();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('BAD_REQUEST', 'Body must be JSON');
  }
}

/** Files of an edit form: `image`, `image[]` (OpenAI's own field names) or `images`. */
async function formImages(form: FormData): Promise<Uint8Array[]> {
  const files = ['image', 'image[]', 'images'].flatMap((field) =>
    form.getAll(field).filter((value): value is File => typeof value !== 'string'),
  );
  if (files.length === 0 || files.length > MAX_EDIT_IMAGES) {
    throw new AppError('VALIDATION_ERROR', `Send 1 to ${MAX_EDIT_IMAGES} images`, {
      issues: [
        { path: 'images', message: `expected 1 to ${MAX_EDIT_IMAGES} image files`, code: 'too_small' },
      ],
    });
  }
  return Promise.all(files.map(async (file) => new Uint8Array(await file.arrayBuffer())));
}

/** The app's toolkit URLs end in a slash (`/text/llm/`): each route answers with and without it. */
const withSlash = (path: string) => [path, `${path}/`];

/**
 * `/api/toolkit/*`: drop-ins for the toolkit the app calls directly (api-contract §4, §7.3), so provider
 * keys stay on this server. Anonymous callers are accepted, as the app sends no token on these calls;
 * every call spends the caller's `toolkit` budget (60 a minute) and `toolkit-daily` quota (500 a day), the
 * signed-in user's when a valid access token comes with it, the client IP's otherwise. JSON bodies are
 * capped at BODY_LIMIT_BYTES, uploads (STT, image edits) at UPLOAD_LIMIT_BYTES while they stream. Without
 * the provider, or with its circuit open, a route answers 503 with `Retry-After` at once, spending nothing.
 */
export function createToolkitRoutes(deps: ToolkitRouteDeps, limitKey: LimitKey) {
  const limit = createRateLimit({
    limits: deps.rateLimits,
    policy: ['toolkit', 'toolkit-daily'],
    resolveKey: limitKey,
  });
  const json = createBodyLimit(deps.env.BODY_LIMIT_BYTES);
  const upload = createUploadLimit(deps.env.UPLOAD_LIMIT_BYTES);
  const llmGate = requireConfigured(() => deps.ai.llm, LLM_SERVICE_LABEL);
  const sttGate = requireConfigured(() => deps.ai.stt, STT_SERVICE_LABEL);
  const imagesGate = requireConfigured(() => deps.ai.images, IMAGES_SERVICE_LABEL);
  const transcribe = createTranscribeHandler(deps);

  const app = new Hono();
  const post = (paths: string[], ...handlers: MiddlewareHandler[]) => {
    app.on('POST', paths, ...(handlers as [MiddlewareHandler]));
  };

  post(
    [...withSlash('/text/llm'), ...withSlash('/v1/text/llm')],
    llmGate,
    json,
    limit,
    async function toolkitLlm(c) {
      const input = parseOrThrow(llmInput, await readJson(c));
      return respondJson(await completeText(deps, input, c.req.raw.signal));
    },
  );
  post(
    [...withSlash('/stt/transcribe'), ...withSlash('/v1/stt/transcribe')],
    sttGate,
    upload,
    limit,
    transcribe,
  );
  post(withSlash('/v1/images/generate'), imagesGate, json, limit, async function toolkitImageGenerate(c) {
    const input = parseOrThrow(imageGenerateInput, await readJson(c));
    return respondJson(await generateImage(deps, input, c.req.raw.signal));
  });
  post(withSlash('/v1/images/edit'), imagesGate, upload, limit, async function toolkitImageEdit(c) {
    if (isMultipart(c)) {
      const form = await readMultipart(c);
      const fields = parseOrThrow(imageEditFormFields, textFields(form));
      return respondJson(
        await editImage(deps, { ...fields, images: await formImages(form) }, c.req.raw.signal),
      );
    }
    const input = parseOrThrow(imageEditJsonInput, await readJson(c));
    const images = input.images.map((entry) => new Uint8Array(Buffer.from(entry.image, 'base64')));
    return respondJson(
      await editImage(deps, { prompt: input.prompt, size: input.size, images }, c.req.raw.signal),
    );
  });

  app.get('/health', function toolkitHealth() {
    const providers = Object.fromEntries(
      (['llm', 'stt', 'images'] as const).map((name) => {
        const client = deps.ai[name];
        return [name, { configured: client !== null, circuit: client?.circuit ?? null }];
      }),
    );
    const states = Object.values(providers);
    return respondJson({
      ok:
        states.some((state) => state.configured) &&
        states.every(
          (state) => !state.configured || (state.circuit !== 'open' && state.circuit !== 'isolated'),
        ),
      service: 'toolkit',
      providers,
      rate: rateOf(deps.rateLimits, 'toolkit'),
      quota: rateOf(deps.rateLimits, 'toolkit-daily'),
    });
  });
  return app;
}
