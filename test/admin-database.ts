import pg from 'pg';

/**
 * Runs one statement on a maintenance database (`TEST_DATABASE_URL`'s): creating or dropping a database
 * of a test's or a script's own. One connection per statement: these run a few times per run.
 */
export async function runAdminStatement(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
