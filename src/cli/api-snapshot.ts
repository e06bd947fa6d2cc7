import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stableJson } from '../lib/api-schema/json-schema.js';
import { projectRoot } from '../lib/project-root.js';
import { currentSnapshot, SNAPSHOT_FILE } from '../trpc/api-snapshot.js';

/**
 * `npm run api:snapshot`: writes the router's contract (every procedure's type, input and output JSON
 * Schema) to contract/api-snapshot.json. Commit the file with the change; `npm run check:api` compares it.
 */
const snapshot = currentSnapshot();
writeFileSync(SNAPSHOT_FILE, stableJson(snapshot));
process.stdout.write(
  `api:snapshot: ${Object.keys(snapshot.procedures).length} procedures, version ${snapshot.version}, ` +
    `written to ${path.relative(projectRoot, SNAPSHOT_FILE)}\n`,
);
