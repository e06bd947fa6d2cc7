import { buildSnapshot } from '../lib/api-schema/snapshot.js';
import { projectRoot } from '../lib/project-root.js';
import { API_MAJOR_VERSION } from './api-version.js';
import { appRouter } from './router.js';

export { SNAPSHOT_FILE } from './api-version.js';

/** The snapshot of the router as the tree defines it now. */
export function currentSnapshot() {
  return buildSnapshot(
    appRouter._def.procedures as Record<string, unknown>,
    { root: projectRoot, module: 'src/trpc/router.ts', typeName: 'AppRouter' },
    API_MAJOR_VERSION,
  );
}
