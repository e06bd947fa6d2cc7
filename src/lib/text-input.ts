import { z } from 'zod';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when PostgreSQL can store and compare the string exactly as given. */
export const isStorableText = (value: string): boolean =>
  !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);

/**
 * A string input that reaches the database. PostgreSQL text cannot hold U+0000 (the query fails, which
 * would answer 500) and an unpaired surrogate is stored as U+FFFD (the value changes silently), so both
 * are refused as invalid input instead. Chain the usual checks after it: `text().trim().min(1).max(100)`.
 */
export const text = () => z.string().refine(isStorableText, UNSTORABLE_TEXT);

/** The refinement's message, for string formats built otherwise (`z.url().refine(isStorableText, …)`). */
/** Storable and without control characters (line breaks, tabs): one line of text. */
export const isOneLine = (value: string): boolean => isStorableText(value) && !/\p{Cc}/u.test(value);

/** One line of text, trimmed, 1..max characters: what a model must answer where the app shows a label. */
export const oneLine = (max: number) =>
  z.string().trim().min(1).max(max).refine(isOneLine, 'must be one line of text');

export const UNSTORABLE_TEXT = { error: 'must not contain NUL characters or unpaired surrogates' };

/** A language code as the app sends it: ISO 639 with an optional region or script (`es`, `pt-BR`). */
export const LANGUAGE_CODE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
export const LANGUAGE_CODE_MESSAGE = 'must be a language code such as es or pt-BR';

/** A language code to filter by (lessons, content); stored ones use the users schema's rule. */
export const languageCode = z.string().trim().max(16).regex(LANGUAGE_CODE_PATTERN, LANGUAGE_CODE_MESSAGE);
