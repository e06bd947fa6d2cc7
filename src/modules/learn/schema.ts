import { z } from 'zod';

/**
 * A language's display name ("Spanish"). Any text within the bounds is accepted: a name the service does
 * not know gets the fallback content, never an error.
 */
const languageName = z.string().trim().min(1).max(64);

/** `learn.getContent` (api-contract §3.8). */
export const getContentInput = z.object({ targetName: languageName, nativeName: languageName });
export type GetContentInput = z.infer<typeof getContentInput>;
