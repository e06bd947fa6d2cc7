// Every integration test file runs with this: a query sent on a client that is still running one is
// deprecated by node-postgres and refused by pg 9 (see src/db/reads.ts), so it fails the run here.
process.on('warning', (warning) => {
  if (warning.message.includes('already executing a query')) {
    throw new Error(`Overlapping queries on one database connection: ${warning.stack ?? warning.message}`);
  }
});
