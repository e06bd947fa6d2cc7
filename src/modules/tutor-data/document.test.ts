import { describe, expect, it } from 'vitest';
import type { FetchedDocument } from '../../integrations/tutor-data/index.js';
import { depthExceeds, MAX_JSON_DEPTH, toTutorData } from './document.js';

const now = new Date('2026-03-01T10:00:00.000Z');
const doc = (body: string | Buffer, contentType: string): FetchedDocument => ({
  url: 'https://api.tutor.example/x',
  status: 200,
  contentType,
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

const LESSON = {
  id: 'l1',
  title: 'Greetings',
  language: 'es',
  level: 'beginner',
  content: { vocabulary: [{ word: 'hola', translation: 'hello' }] },
};

describe('toTutorData', () => {
  it('parses and validates JSON, filling the default contentType', () => {
    expect(toTutorData(doc(JSON.stringify(LESSON), 'application/json'), true, now)).toEqual({
      ok: true,
      data: { ...LESSON, contentType: 'json' },
    });
    const vendor = toTutorData(
      doc(JSON.stringify(LESSON), 'application/vnd.tutor+json; charset=utf-8'),
      true,
      now,
    );
    expect(vendor.ok).toBe(true);
  });

  it('answers a validation error naming the fields when validation is on', () => {
    const verdict = toTutorData(doc(JSON.stringify({ id: 1, title: 'x' }), 'application/json'), true, now);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error).toMatchObject({ type: 'validation_error', message: 'Invalid tutor data format' });
    const paths = (verdict.error as { validationErrors: { path: PropertyKey[] }[] }).validationErrors.map(
      (issue) => issue.path.join('.'),
    );
    expect(paths).toEqual(['id', 'language', 'level']);
  });

  it('passes any JSON through when validation is off', () => {
    expect(toTutorData(doc('{"anything":[1,2]}', 'application/json'), false, now)).toEqual({
      ok: true,
      data: { anything: [1, 2] },
    });
  });

  it('answers a fetch error for malformed or absurdly nested JSON', () => {
    expect(toTutorData(doc('{"id":', 'application/json'), true, now)).toEqual({
      ok: false,
      error: {
        type: 'fetch_error',
        message: 'Response is not valid JSON',
        url: 'https://api.tutor.example/x',
      },
    });
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(toTutorData(doc(deep, 'application/json'), false, now)).toMatchObject({
      ok: false,
      error: { type: 'fetch_error', message: 'Response JSON is nested too deeply' },
    });
  });

  it('synthesises TutorData from HTML', () => {
    const html = '<title>Hola</title><p>Spanish for travellers</p>';
    expect(toTutorData(doc(html, 'text/html; charset=utf-8'), true, now)).toEqual({
      ok: true,
      data: {
        id: `html-${now.getTime()}`,
        title: 'Hola',
        description: 'Spanish for travellers',
        language: 'en',
        level: 'unknown',
        contentType: 'html',
        rawContent: html,
        metadata: {
          sourceUrl: 'https://api.tutor.example/x',
          contentType: 'text/html; charset=utf-8',
          contentLength: Buffer.byteLength(html),
          createdAt: now.toISOString(),
        },
      },
    });
  });

  it('synthesises text TutorData from other types, decoding the declared charset', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1
    const verdict = toTutorData(doc(latin1, 'text/plain; charset=ISO-8859-1'), true, now);
    expect(verdict.ok && verdict.data).toMatchObject({
      contentType: 'text',
      rawContent: 'café',
      title: 'Web Content',
    });
    expect(verdict.ok && verdict.data).not.toHaveProperty('description');
    const unknown = toTutorData(doc('plain', 'text/plain; charset=no-such-charset'), true, now);
    expect(unknown.ok && unknown.data.rawContent).toBe('plain');
    const untyped = toTutorData(doc('plain', ''), true, now);
    expect(untyped.ok && untyped.data.contentType).toBe('text');
  });
});

describe('depthExceeds', () => {
  it('measures objects and arrays, not scalars', () => {
    expect(depthExceeds(1, 1)).toBe(false);
    expect(depthExceeds({ a: [1] }, 2)).toBe(false);
    expect(depthExceeds({ a: [{}] }, 2)).toBe(true);
  });
});
