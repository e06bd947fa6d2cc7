import { describe, expect, it } from 'vitest';
import { describeTarget, libpqEnv, runTool } from './tools.js';

describe('libpqEnv', () => {
  it('splits a URL into libpq variables, decoding the user and password', () => {
    expect(libpqEnv('postgresql://app%40x:p%3Ass%2Fw@db.internal:6432/linguamate?sslmode=require')).toEqual({
      PGHOST: 'db.internal',
      PGPORT: '6432',
      PGUSER: 'app@x',
      PGPASSWORD: 'p:ss/w',
      PGDATABASE: 'linguamate',
      PGSSLMODE: 'require',
    });
  });

  it('leaves out what the URL does not say, and unwraps an IPv6 host', () => {
    expect(libpqEnv('postgres://[::1]/')).toEqual({ PGHOST: '::1' });
  });
});

describe('describeTarget', () => {
  it('names the database and host, never the credentials', () => {
    const text = describeTarget('postgres://app:secret-pw@db.internal/linguamate');
    expect(text).toBe('database linguamate on db.internal:5432');
    expect(text).not.toContain('secret-pw');
  });
});

describe('runTool', () => {
  it("answers the tool's stdout, and rejects with its last stderr lines, URLs masked", async () => {
    await expect(runTool('node', ['-e', 'process.stdout.write("ok")'])).resolves.toBe('ok');
    await expect(
      runTool('node', ['-e', 'console.error("no route to postgres://u:pw@h/db"); process.exit(3)']),
    ).rejects.toThrow('node exited with 3: no route to <url>');
    await expect(runTool('linguamate-no-such-tool', [])).rejects.toThrow(/could not be started/);
  });
});
