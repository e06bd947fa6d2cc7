import { z } from 'zod';
import type { OutboundPolicy } from '../outbound/policy.js';
import { type Endpoint, post, readJson } from './http.js';
import type { GeneratedImage, ImagesClient } from './types.js';

export interface ImagesClientOptions {
  endpoint: Endpoint;
  model: string;
  policy: OutboundPolicy;
}

const imagesSchema = z.object({
  data: z.array(z.object({ b64_json: z.string().min(1) })).min(1),
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
});

const toImage = (body: z.infer<typeof imagesSchema>): GeneratedImage => ({
  base64Data: body.data[0]!.b64_json,
  mimeType: `image/${body.output_format ?? 'png'}`,
});

/** Image generation and editing on an OpenAI-compatible endpoint, answered as base64. */
export function createImagesClient(options: ImagesClientOptions): ImagesClient {
  const { endpoint, model, policy } = options;
  // DALL·E models answer with a URL unless asked for base64; gpt-image models always answer base64.
  const asBase64 = model.startsWith('dall-e') ? { response_format: 'b64_json' } : {};
  return {
    provider: policy.provider,
    model,
    get circuit() {
      return policy.circuit;
    },
    generate(request) {
      return policy.execute(
        'image_generate',
        async (signal) => {
          const body = JSON.stringify({
            model,
            prompt: request.prompt,
            n: 1,
            ...(request.size && { size: request.size }),
            ...asBase64,
          });
          const response = await post(endpoint, 'images/generations', body, signal, {
            'content-type': 'application/json',
            accept: 'application/json',
          });
          return toImage(await readJson(response, imagesSchema, 'image generation'));
        },
        { signal: request.signal },
      );
    },
    edit(request) {
      return policy.execute(
        'image_edit',
        async (signal) => {
          const form = new FormData();
          form.set('model', model);
          form.set('prompt', request.prompt);
          if (request.size) form.set('size', request.size);
          if ('response_format' in asBase64) form.set('response_format', 'b64_json');
          const field = request.images.length > 1 ? 'image[]' : 'image';
          for (const image of request.images) form.append(field, image.data, image.filename);
          const response = await post(endpoint, 'images/edits', form, signal, { accept: 'application/json' });
          return toImage(await readJson(response, imagesSchema, 'image edit'));
        },
        { signal: request.signal },
      );
    },
  };
}
