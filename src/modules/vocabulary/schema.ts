import { z } from 'zod';
import { boundedText, patternText } from '../../db/rules.js';
import { VOCABULARY_RULES, vocabulary } from '../../db/schema/index.js';
import type { SrsCardDto } from '../srs/schema.js';

/** Most entries one `vocabulary.list` page holds. */
export const VOCABULARY_PAGE_MAX = 100;

const language = patternText(VOCABULARY_RULES.language, vocabulary.language);

/** `vocabulary.add`: a word of the caller's own list; its spaced-repetition card comes with it. */
export const addVocabularyInput = z.object({
  word: boundedText(VOCABULARY_RULES.word, vocabulary.word),
  translation: boundedText(VOCABULARY_RULES.translation, vocabulary.translation),
  language,
  note: boundedText(VOCABULARY_RULES.notes, vocabulary.notes).optional(),
});
export type AddVocabularyInput = z.infer<typeof addVocabularyInput>;

/** `vocabulary.list`: newest first, a page at a time; the input may be left out. */
export const listVocabularyInput = z
  .object({
    language: language.optional(),
    /** Opaque cursor from the previous page's `nextCursor`. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(VOCABULARY_PAGE_MAX).default(50),
  })
  .prefault({});
export type ListVocabularyInput = z.infer<typeof listVocabularyInput>;

/** `vocabulary.remove`: one of the caller's entries, with its card. */
export const removeVocabularyInput = z.object({ id: z.uuid() });
export type RemoveVocabularyInput = z.infer<typeof removeVocabularyInput>;

export const vocabularyEntryDto = z.object({
  id: z.string(),
  word: z.string(),
  translation: z.string(),
  language: z.string(),
  note: z.string().nullable(),
  createdAt: z.date(),
});
export type VocabularyEntryDto = z.infer<typeof vocabularyEntryDto>;

export interface AddedVocabularyDto {
  entry: VocabularyEntryDto;
  card: SrsCardDto;
}

/** `vocabulary.list`: a page, and the cursor of the next one (null on the last). */
export const vocabularyPageDto = z.object({
  entries: z.array(vocabularyEntryDto),
  nextCursor: z.string().nullable(),
});
export type VocabularyPageDto = z.infer<typeof vocabularyPageDto>;
