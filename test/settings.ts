/**
 * Where the tests find real services. CI sets both; a developer may set either, or neither to run
 * everything on in-memory PGlite and the in-process stores. Test code reads this, not process.env.
 */
export function testSettings(source: Record<string, string | undefined> = process.env) {
  return {
    adminDatabaseUrl: source.TEST_DATABASE_URL || null,
    redisUrl: source.TEST_REDIS_URL || null,
  };
}
