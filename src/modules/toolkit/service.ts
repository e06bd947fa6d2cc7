import type { AiProviders, GeneratedImage, LlmMessage } from '../../integrations/ai/index.js';
import { requireProvider } from '../../integrations/ai/index.js';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { ACCEPTED_IMAGE_FORMATS, detectImageType } from '../../lib/media-type.js';
import { redactPersonalData } from '../../lib/safety.js';
import { DEFAULT_IMAGE_SIZE, type ImageGenerateInput, type LlmInput } from './schema.js';

/** What the toolkit drop-ins need: the providers (null where none is configured) and the log. */
export interface ToolkitDeps {
  ai: Pick<AiProviders, 'llm' | 'images'>;
  log: Logger;
}

export const LLM_SERVICE_LABEL = 'The AI service';
export const IMAGES_SERVICE_LABEL = 'The image service';

/** Text bound for a provider, with emails, phone and card numbers redacted; the log gets the counts only. */
function redacted(deps: Pick<ToolkitDeps, 'log'>, text: string, what: string): string {
  const result = redactPersonalData(text);
  const total = result.redactions.email + result.redactions.phone + result.redactions.card;
  if (total > 0)
    deps.log.info({ evt: 'toolkit_redacted', what, ...result.redactions }, 'personal data redacted');
  return result.text;
}

/**
 * `POST /api/toolkit/text/llm`: the messages (personal data redacted) to the chat provider, answered
 * `{ completion }`. SERVICE_UNAVAILABLE with `Retry-After` without a provider or with its circuit open.
 */
export async function completeText(
  deps: ToolkitDeps,
  input: LlmInput,
  signal?: AbortSignal,
): Promise<{ completion: string }> {
  const llm = requireProvider(deps.ai.llm, LLM_SERVICE_LABEL);
  const messages: LlmMessage[] = input.messages.map((message) => ({
    role: message.role,
    content: redacted(deps, message.content, 'llm_message'),
  }));
  const completion = await llm.complete({ messages, ...(signal && { signal }) });
  return { completion: completion.text };
}

/** `POST /api/toolkit/v1/images/generate`: `{ image: { base64Data, mimeType }, size }`; the prompt redacted. */
export async function generateImage(
  deps: ToolkitDeps,
  input: ImageGenerateInput,
  signal?: AbortSignal,
): Promise<{ image: GeneratedImage; size: string }> {
  const images = requireProvider(deps.ai.images, IMAGES_SERVICE_LABEL);
  const size = input.size ?? DEFAULT_IMAGE_SIZE;
  const image = await images.generate({
    prompt: redacted(deps, input.prompt, 'image_prompt'),
    size,
    ...(signal && { signal }),
  });
  return { image, size };
}

export interface ImageEditRequest {
  prompt: string;
  size?: string | undefined;
  images: Uint8Array[];
}

/**
 * `POST /api/toolkit/v1/images/edit`: edits the source images (PNG, JPEG or WebP by their bytes, else
 * VALIDATION_ERROR naming the image) as the prompt says; `{ image: { base64Data, mimeType } }`.
 */
export async function editImage(
  deps: ToolkitDeps,
  request: ImageEditRequest,
  signal?: AbortSignal,
): Promise<{ image: GeneratedImage }> {
  const client = requireProvider(deps.ai.images, IMAGES_SERVICE_LABEL);
  const sources = await Promise.all(
    request.images.map(async (bytes, index) => {
      const type = await detectImageType(bytes);
      if (!type) {
        throw new AppError(
          'VALIDATION_ERROR',
          `Image ${index + 1} is not one of: ${ACCEPTED_IMAGE_FORMATS.join(', ')}`,
          {
            issues: [
              { path: `images.${index}`, message: 'not a supported image format', code: 'invalid_format' },
            ],
          },
        );
      }
      return {
        data: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: type.mime }),
        filename: `image-${index + 1}.${type.ext}`,
      };
    }),
  );
  const image = await client.edit({
    prompt: redacted(deps, request.prompt, 'image_prompt'),
    images: sources,
    ...(request.size && { size: request.size }),
    ...(signal && { signal }),
  });
  return { image };
}
