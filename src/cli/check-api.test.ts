import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../lib/project-root.js';

/** `npm run check:api --before A --after B` as CI runs it: the exit code and the list of problems. */
function checkApi(after: string): Promise<{ code: number; output: string }> {
  const fixture = (name: string) => `test/fixtures/api-versioning/${name}.json`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/check-api.ts', '--before', fixture('baseline'), '--after', fixture(after)],
      { cwd: projectRoot, env: { PATH: process.env.PATH } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

describe('check:api', () => {
  it('fails on the deliberately broken fixture, listing each break', { timeout: 60_000 }, async () => {
    const { code, output } = await checkApi('broken');
    expect(code).toBe(1);
    expect(output).toContain('before -> after: 5 breaking change(s):');
    expect(output).toContain('  user.getProfile: procedure removed (was a query)');
    expect(output).toContain('  lessons.getAll output.lessons[].title: property removed');
    expect(output).toContain('check:api: FAILED');
  });

  it('passes additive changes', { timeout: 60_000 }, async () => {
    const { code, output } = await checkApi('additive');
    expect(code).toBe(0);
    expect(output).toContain('before -> after: 1 procedure(s) added: user.get');
    expect(output).toContain('check:api: passed');
  });
});
