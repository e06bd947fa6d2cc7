import type { Db } from '../../db/client.js';
import type { VocabularyEntry } from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { createVocabularyCard, deleteVocabularyCards } from '../srs/service.js';
import * as repo from './repo.js';
import type {
  AddedVocabularyDto,
  AddVocabularyInput,
  ListVocabularyInput,
  RemoveVocabularyInput,
  VocabularyEntryDto,
  VocabularyPageDto,
} from './schema.js';

/** What the vocabulary module needs. */
export interface VocabularyDeps {
  db: Db;
  clock: () => Date;
}

/** Whose word list it is. */
export interface VocabularyActor {
  userId: string;
}

/**
 * `vocabulary.add`: adds a word to the caller's list with its spaced-repetition card, due at once, in one
 * transaction. Throws CONFLICT (naming `word`) when the caller already has the word in that language.
 */
export async function addEntry(
  deps: VocabularyDeps,
  actor: VocabularyActor,
  input: AddVocabularyInput,
): Promise<AddedVocabularyDto> {
  // Stamped here, in milliseconds, as the page cursor carries it (the column default has microseconds).
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const entry = await repo.insertEntry(tx, {
      userId: actor.userId,
      word: input.word,
      translation: input.translation,
      language: input.language,
      notes: input.note ?? null,
      createdAt: now,
    });
    if (!entry) {
      const message = 'This word is already in your vocabulary for this language';
      throw new AppError('CONFLICT', message, {
        issues: [{ path: 'word', message, code: 'ALREADY_EXISTS' }],
      });
    }
    const card = await createVocabularyCard(
      { db: tx },
      { userId: actor.userId, entryId: entry.id, dueAt: now },
    );
    return { entry: toDto(entry), card };
  });
}

/**
 * `vocabulary.list`: the caller's words, newest first, optionally of one language, keyset-paginated. The
 * cursor is opaque to clients (base64url of the last entry's time and id). BAD_REQUEST for a cursor we
 * did not issue.
 */
export async function listEntries(
  deps: Pick<VocabularyDeps, 'db'>,
  actor: VocabularyActor,
  input: ListVocabularyInput,
): Promise<VocabularyPageDto> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await repo.findEntries(deps.db, {
    userId: actor.userId,
    ...(input.language && { language: input.language }),
    ...(after && { after }),
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    entries: page.map(toDto),
    nextCursor:
      rows.length > input.limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
        : null,
  };
}

/**
 * `vocabulary.remove`: deletes one of the caller's words with its card and the card's review history, in
 * one transaction. Throws NOT_FOUND when the caller has no such entry (another user's included).
 */
export async function removeEntry(
  deps: Pick<VocabularyDeps, 'db'>,
  actor: VocabularyActor,
  input: RemoveVocabularyInput,
): Promise<{ success: true; id: string }> {
  await deps.db.transaction(async (tx) => {
    if (!(await repo.deleteEntry(tx, { userId: actor.userId, id: input.id }))) {
      throw new AppError('NOT_FOUND', 'Vocabulary entry not found');
    }
    await deleteVocabularyCards({ db: tx }, actor.userId, [input.id]);
  });
  return { success: true, id: input.id };
}

const toDto = (entry: VocabularyEntry): VocabularyEntryDto => ({
  id: entry.id,
  word: entry.word,
  translation: entry.translation,
  language: entry.language,
  note: entry.notes,
  createdAt: entry.createdAt,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Times PostgreSQL's timestamptz and JavaScript's Date can both hold.
const EARLIEST = Date.parse('1970-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Accepts only what `listEntries` issues: a time in range and a uuid, both as PostgreSQL reads them. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  const ms = createdAt.getTime();
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(ms) || ms < EARLIEST || ms > LATEST) {
    throw new AppError('BAD_REQUEST', 'Invalid cursor');
  }
  return { createdAt, id };
}
