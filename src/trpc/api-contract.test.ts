import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSnapshots } from '../lib/api-schema/compare.js';
import { stableJson } from '../lib/api-schema/json-schema.js';
import { formatComparison } from '../lib/api-schema/report.js';
import type { ApiSnapshot } from '../lib/api-schema/snapshot.js';
import { currentSnapshot, SNAPSHOT_FILE } from './api-snapshot.js';
import { API_MAJOR_VERSION } from './api-version.js';
import { CONTRACT_V1_PATHS } from './contract-v1.js';

const committed = JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as ApiSnapshot;

describe('the API contract (docs/api-versioning.md)', () => {
  it('the committed snapshot holds every procedure of contract v1', () => {
    const missing = CONTRACT_V1_PATHS.filter((path) => !(path in committed.procedures));
    expect(missing).toEqual([]);
  });

  it("the committed snapshot is of the API's major version", () => {
    expect(committed.version).toBe(API_MAJOR_VERSION);
  });

  // Builds the TypeScript program of the whole project to read the output types: tens of seconds.
  it('the router keeps the committed contract, and the snapshot is current', { timeout: 240_000 }, () => {
    const tree = currentSnapshot();
    const report = formatComparison('committed snapshot -> tree', compareSnapshots(committed, tree));
    expect(report.ok, report.lines.join('\n')).toBe(true);
    expect(stableJson(tree), 'contract/api-snapshot.json is stale: run `npm run api:snapshot`').toBe(
      stableJson(committed),
    );
  });
});
