import { describe, expect, it } from 'vitest';
import { envAssignments, healthcheckOf, parseDockerfile } from './dockerfile.js';

describe('parseDockerfile', () => {
  it('reads stages, global ARG defaults in FROM, flags, continuations and comments inside them', () => {
    const file = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=node:24-slim',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's ARG reference
        'FROM ${BASE} AS Build',
        'RUN npm ci \\',
        '  # a comment inside a continuation is dropped',
        '  && npm run build',
        '',
        'FROM $BASE',
        'COPY --chown=node:node --from=build /app/dist ./dist',
      ].join('\n'),
    );
    expect(file.globalArgs).toEqual({ BASE: 'node:24-slim' });
    expect(file.stages.map((stage) => [stage.name, stage.image])).toEqual([
      ['build', 'node:24-slim'],
      ['1', 'node:24-slim'],
    ]);
    expect(file.stages[0]!.instructions[0]).toMatchObject({
      keyword: 'RUN',
      args: ['npm', 'ci', '&&', 'npm', 'run', 'build'],
      line: 4,
    });
    expect(file.stages[1]!.instructions[0]).toMatchObject({
      keyword: 'COPY',
      flags: { chown: 'node:node', from: 'build' },
      args: ['/app/dist', './dist'],
    });
  });

  it('reads exec form as JSON and falls back to shell form when the JSON is invalid', () => {
    const [stage] = parseDockerfile('FROM node:24\nCMD ["node", "a.js"]\nENTRYPOINT [node, a.js]').stages;
    expect(stage!.instructions[0]).toMatchObject({ execForm: true, args: ['node', 'a.js'] });
    expect(stage!.instructions[1]).toMatchObject({ execForm: false, args: ['[node,', 'a.js]'] });
  });

  it('honours the escape parser directive', () => {
    const [stage] = parseDockerfile('# escape=`\nFROM node:24\nRUN a `\n  b').stages;
    expect(stage!.instructions[0]!.args).toEqual(['a', 'b']);
  });

  it('reads ENV in both forms and HEALTHCHECK options, command and NONE', () => {
    const [stage] = parseDockerfile(
      'FROM node:24\nENV A=1 B="two words"\nENV C legacy value\nHEALTHCHECK --interval=5s CMD ["node", "h.js"]\nHEALTHCHECK NONE',
    ).stages;
    const [envNew, envOld, health, none] = stage!.instructions;
    expect(envAssignments(envNew!)).toEqual({ A: '1', B: 'two words' });
    expect(envAssignments(envOld!)).toEqual({ C: 'legacy value' });
    expect(health!.flags).toEqual({ interval: '5s' });
    expect(healthcheckOf(health!).command).toMatchObject({ execForm: true, args: ['node', 'h.js'] });
    expect(healthcheckOf(none!)).toEqual({ none: true, command: undefined });
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => parseDockerfile('RUN x')).toThrow('only ARG may come before the first FROM');
    expect(() => parseDockerfile('ARG X=1')).toThrow('no FROM');
    expect(() => parseDockerfile('FROM node:24 ALIAS x')).toThrow('FROM must be');
    expect(() => parseDockerfile('FROM node:24\nRUN <<EOF\necho\nEOF')).toThrow('heredocs');
  });
});
