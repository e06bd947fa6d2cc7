import type { Context } from 'hono';
import { AppError } from '../lib/errors.js';
import { essenceOf } from '../lib/media-type.js';

/** A file field of a multipart body, read into memory (the upload limit has already capped its size). */
export interface UploadedFile {
  bytes: Uint8Array;
  type: string;
  name: string;
}

/** Whether the request declares a multipart form body. */
export const isMultipart = (c: Context) => essenceOf(c.req.header('content-type')) === 'multipart/form-data';

/**
 * The request's multipart form. Reads through whatever stream the upload limit put in place, so a body
 * past the limit rejects with its 413 at the first byte over. Throws BAD_REQUEST for a body that is not
 * multipart or cannot be parsed.
 */
export async function readMultipart(c: Context): Promise<FormData> {
  if (!isMultipart(c)) throw new AppError('BAD_REQUEST', 'Expected multipart/form-data');
  try {
    return await c.req.raw.formData();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('BAD_REQUEST', 'Malformed multipart/form-data body');
  }
}

/**
 * The file in `field`, or BAD_REQUEST naming what is wrong: no such field (`missing`), or a text value
 * where a file belongs (`notFile`).
 */
export async function fileField(
  form: FormData,
  field: string,
  messages: { missing: string; notFile: string },
): Promise<UploadedFile> {
  const value = form.get(field);
  if (value === null) throw new AppError('BAD_REQUEST', messages.missing);
  if (typeof value === 'string') throw new AppError('BAD_REQUEST', messages.notFile);
  return { bytes: new Uint8Array(await value.arrayBuffer()), type: value.type, name: value.name };
}

/** The text fields of a form (files left out); a field sent twice keeps its first value. */
export function textFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string' && !(name in fields)) fields[name] = value;
  }
  return fields;
}
