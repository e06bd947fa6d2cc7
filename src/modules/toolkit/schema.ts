import { z } from 'zod';

/** Inputs of the toolkit drop-ins (api-contract §4, §7.3): the app's direct toolkit calls, as they are. */

const MAX_MESSAGE_CHARS = 20_000;

/** A message's content: text, or the AI SDK's list of text parts (joined with a blank line). */
const messageContent = z.union([
  z.string().max(MAX_MESSAGE_CHARS),
  z
    .array(z.object({ type: z.literal('text'), text: z.string().max(MAX_MESSAGE_CHARS) }))
    .min(1)
    .max(20)
    .transform((parts) => parts.map((part) => part.text).join('\n\n')),
]);

/** `POST /api/toolkit/text/llm`: `{ messages: [{ role, content }] }`, at most 50 messages. */
export const llmInput = z.object({
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: messageContent }))
    .min(1)
    .max(50),
});
export type LlmInput = z.output<typeof llmInput>;

export const IMAGE_SIZES = [
  'auto',
  '256x256',
  '512x512',
  '1024x1024',
  '1024x1536',
  '1536x1024',
  '1792x1024',
  '1024x1792',
] as const;
export const DEFAULT_IMAGE_SIZE = '1024x1024';

const prompt = z.string().trim().min(1).max(4_000);
const size = z.enum(IMAGE_SIZES).optional();

/** `POST /api/toolkit/v1/images/generate`: `{ prompt, size? }`. */
export const imageGenerateInput = z.object({ prompt, size });
export type ImageGenerateInput = z.output<typeof imageGenerateInput>;

/** At most this many source images in one edit. */
export const MAX_EDIT_IMAGES = 4;

/** Base64 (standard alphabet, padded or not), optionally as a data URL; the upload limit caps its size. */
const base64Image = z
  .string()
  .min(1)
  .max(20_000_000)
  .transform((value) => value.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/, '').replace(/\s+/g, ''))
  .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value), 'must be base64');

/** `POST /api/toolkit/v1/images/edit` as JSON: `{ prompt, images: [{ type: 'image', image: base64 }], size? }`. */
export const imageEditJsonInput = z.object({
  prompt,
  size,
  images: z
    .array(z.object({ type: z.literal('image'), image: base64Image }))
    .min(1)
    .max(MAX_EDIT_IMAGES),
});

/** The multipart form's text fields of the same edit; its files are under `image`, `image[]` or `images`. */
export const imageEditFormFields = z.object({ prompt, size });
