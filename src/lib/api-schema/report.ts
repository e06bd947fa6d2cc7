import type { Comparison } from './compare.js';

export interface CheckReport {
  ok: boolean;
  lines: string[];
}

/**
 * Readable lines for one comparison: each breaking change as `procedure location: message`. Breaking
 * changes fail the check unless the newer snapshot raised the major version (docs/api-versioning.md).
 */
export function formatComparison(label: string, comparison: Comparison): CheckReport {
  const lines: string[] = [];
  const { breaking, added, versionBumped } = comparison;
  const ok = breaking.length === 0 || versionBumped;
  if (breaking.length > 0)
    lines.push(
      versionBumped
        ? `${label}: ${breaking.length} breaking change(s), allowed by the major version bump:`
        : `${label}: ${breaking.length} breaking change(s):`,
    );
  for (const change of breaking)
    lines.push(`  ${change.procedure}${change.location ? ` ${change.location}` : ''}: ${change.message}`);
  if (added.length > 0) lines.push(`${label}: ${added.length} procedure(s) added: ${added.join(', ')}`);
  if (breaking.length === 0) lines.push(`${label}: compatible`);
  return { ok, lines };
}
