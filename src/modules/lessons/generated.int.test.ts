import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/factories.js';
import { createTestApp, type TestApp, unique } from '../../../test/harness.js';
import { lessons } from '../../db/schema/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("users' generated lessons and the public lesson reads", () => {
  it('are never served by lessons.getById or lessons.getAll, whose answers are cached for everyone', async () => {
    const author = await createUser(t);
    const id = unique('gen-travel');
    await t.deps.db.insert(lessons).values({
      id,
      language: 'es',
      type: 'vocabulary',
      title: 'My private travel phrases',
      description: 'Generated for one user',
      icon: '✈️',
      difficulty: 'beginner',
      estimatedTimeMin: 10,
      xpReward: 20,
      source: 'generated',
      createdBy: author.user.id,
    });
    const anonymous = await t.trpc();
    for (const client of [anonymous, author.client, (await createUser(t)).client]) {
      await expect(client.lessons.getById.query({ id })).rejects.toMatchObject({
        data: { code: 'NOT_FOUND', httpStatus: 404 },
      });
      const all = await client.lessons.getAll.query({ language: 'es' });
      expect(all.map((lesson) => lesson.id)).not.toContain(id);
    }
  });
});
