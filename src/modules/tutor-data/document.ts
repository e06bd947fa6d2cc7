import type { FetchedDocument } from '../../integrations/tutor-data/index.js';
import { extractPageInfo } from './html.js';
import { type TutorData, type TutorDataError, tutorDataSchema, type ValidationIssue } from './schema.js';

/** Deeper JSON than any tutor document needs; deeper nesting only serves to exhaust a recursive walker. */
export const MAX_JSON_DEPTH = 64;
const MAX_VALIDATION_ISSUES = 20;

export type DocumentVerdict = { ok: true; data: TutorData } | { ok: false; error: TutorDataError };

/**
 * Turns a fetched body into TutorData (api-contract §3.12). JSON (`application/json`, `*+json`) is parsed
 * and, with `validate`, checked against the TutorData schema; anything else becomes a synthetic TutorData
 * whose title and description come from the page.
 */
export function toTutorData(document: FetchedDocument, validate: boolean, now: Date): DocumentVerdict {
  const mediaType = document.contentType.split(';')[0]!.trim().toLowerCase();
  const text = decode(document.body, document.contentType);
  if (mediaType === 'application/json' || mediaType.endsWith('+json'))
    return fromJson(text, validate, document.url);

  const page = extractPageInfo(text);
  return {
    ok: true,
    data: {
      id: `html-${now.getTime()}`,
      title: page.title,
      ...(page.description ? { description: page.description } : {}),
      language: 'en',
      level: 'unknown',
      contentType: mediaType.includes('html') ? 'html' : 'text',
      rawContent: text,
      metadata: {
        sourceUrl: document.url,
        contentType: document.contentType,
        contentLength: document.body.length,
        createdAt: now.toISOString(),
      },
    },
  };
}

function fromJson(text: string, validate: boolean, url: string): DocumentVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: { type: 'fetch_error', message: 'Response is not valid JSON', url } };
  }
  if (depthExceeds(parsed, MAX_JSON_DEPTH)) {
    return { ok: false, error: { type: 'fetch_error', message: 'Response JSON is nested too deeply', url } };
  }
  if (!validate) return { ok: true, data: parsed as TutorData };
  const result = tutorDataSchema.safeParse(parsed);
  if (result.success) return { ok: true, data: result.data };
  const validationErrors: ValidationIssue[] = result.error.issues
    .slice(0, MAX_VALIDATION_ISSUES)
    .map((issue) => ({ code: issue.code, path: issue.path, message: issue.message }));
  return {
    ok: false,
    error: { type: 'validation_error', message: 'Invalid tutor data format', validationErrors },
  };
}

/** Iterative, so the check itself cannot overflow the stack. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The body as text in its declared charset; UTF-8 when none is declared or the label is unknown. */
function decode(body: Buffer, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([\w-]{1,40})/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
