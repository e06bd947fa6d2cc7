import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json. Resolved from this file rather than the working directory, so migrations
 * and other shipped files are found whether the code runs from `src/` (tsx) or `dist/src/` (node).
 */
export const projectRoot: string = (() => {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('package.json not found above the running code');
    directory = parent;
  }
  return directory;
})();
