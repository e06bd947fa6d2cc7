/**
 * A Dockerfile parser for static checks (no Docker engine here): parser directives, comments, line
 * continuations, stages with their base image (global ARG defaults substituted), exec (JSON) and shell
 * forms, and the flags of COPY, RUN and HEALTHCHECK. Heredocs are refused rather than misread.
 */

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY… */
  keyword: string;
  /** Everything after the keyword, continuations joined. */
  raw: string;
  /** Leading `--name=value` (or `--name`) flags. */
  flags: Record<string, string | true>;
  /** The arguments after the flags: the JSON array in exec form, whitespace-separated words otherwise. */
  args: string[];
  /** True when the arguments were a JSON array (exec form). */
  execForm: boolean;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  /** `AS name`, lower-cased, or the stage's index as a string. */
  name: string;
  /** The base image with global ARG defaults substituted. */
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

/** Parses a Dockerfile's text. Throws with the line number on what it cannot read. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  const escapeChar = parserDirective(lines, 'escape') ?? '\\';
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  lines.forEach((rawLine, index) => {
    const trimmed = rawLine.trim();
    // Comment lines are dropped, also inside a continuation; empty lines end nothing either.
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const continues = trimmed.endsWith(escapeChar);
    const content = continues ? trimmed.slice(0, -escapeChar.length) : trimmed;
    pending = pending
      ? { ...pending, text: `${pending.text} ${content}` }
      : { text: content, line: index + 1 };
    if (!continues) {
      instructions.push(toInstruction(pending.text, pending.line));
      pending = undefined;
    }
  });
  if (pending) instructions.push(toInstruction(pending.text, pending.line));

  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args;
      if (!image || (as !== undefined && (as.toUpperCase() !== 'AS' || !name))) {
        throw new Error(`line ${instruction.line}: FROM must be \`FROM image [AS name]\``);
      }
      stages.push({
        name: (name ?? String(stages.length)).toLowerCase(),
        image: substitute(image, globalArgs),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new Error(`line ${instruction.line}: only ARG may come before the first FROM`);
      }
      for (const arg of instruction.args) {
        const equals = arg.indexOf('=');
        if (equals < 0) globalArgs[arg] = undefined;
        else globalArgs[arg.slice(0, equals)] = unquote(arg.slice(equals + 1));
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('no FROM instruction');
  return { globalArgs, stages };
}

/** `ENV a=1 b="two words"` or the legacy `ENV a 1`: the variables an ENV instruction sets. */
export function envAssignments(instruction: Instruction): Record<string, string> {
  const words = splitWords(instruction.raw);
  if (words.length >= 2 && !words[0]!.includes('=')) {
    return { [words[0]!]: instruction.raw.trim().slice(words[0]!.length).trim() };
  }
  return Object.fromEntries(
    words.map((word) => {
      const equals = word.indexOf('=');
      if (equals <= 0) throw new Error(`line ${instruction.line}: ENV expects name=value, got ${word}`);
      return [word.slice(0, equals), unquote(word.slice(equals + 1))];
    }),
  );
}

/** A HEALTHCHECK's options and command: `NONE` gives `{ none: true }`. */
export function healthcheckOf(instruction: Instruction): { none: boolean; command: Instruction | undefined } {
  const [first, ...rest] = instruction.args;
  if (first?.toUpperCase() === 'NONE') return { none: true, command: undefined };
  if (first?.toUpperCase() !== 'CMD' || rest.length === 0) {
    throw new Error(`line ${instruction.line}: HEALTHCHECK expects [options] CMD command, or NONE`);
  }
  const afterCmd = instruction.raw.slice(instruction.raw.search(/\bCMD\b/i) + 3).trim();
  return { none: false, command: toInstruction(`CMD ${afterCmd}`, instruction.line) };
}

function parserDirective(lines: string[], name: string): string | undefined {
  for (const line of lines) {
    const match = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!match) return undefined;
    if (match[1]!.toLowerCase() === name) return match[2];
  }
  return undefined;
}

function toInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  if (!match) throw new Error(`line ${line}: empty instruction`);
  const keyword = match[1]!.toUpperCase();
  const raw = match[2]!.trim();
  if (/<<-?["']?[A-Za-z_]/.test(raw) && ['RUN', 'COPY', 'ADD'].includes(keyword)) {
    throw new Error(`line ${line}: heredocs are not supported by this parser`);
  }
  const flags: Record<string, string | true> = {};
  let rest = raw;
  // Flags only where Docker takes them, so `RUN npm ci --omit=dev` keeps its words.
  if (['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK'].includes(keyword)) {
    for (
      let flag = /^--([a-z-]+)(?:=(\S+))?\s*/.exec(rest);
      flag;
      flag = /^--([a-z-]+)(?:=(\S+))?\s*/.exec(rest)
    ) {
      flags[flag[1]!] = flag[2] ?? true;
      rest = rest.slice(flag[0].length);
    }
  }
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        return { keyword, raw, flags, args: parsed, execForm: true, line };
      }
    } catch {
      // Not valid JSON: Docker then reads it in shell form, and so do we.
    }
  }
  return { keyword, raw, flags, args: splitWords(rest), execForm: false, line };
}

/** Splits on whitespace outside quotes (quotes kept, as ENV and ARG unquote their values themselves). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      current += char;
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      current += char;
      quote = char;
    } else if (/\s/.test(char)) {
      if (current) words.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${text}`);
  if (current) words.push(current);
  return words;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function substitute(value: string, args: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, bare) => {
    return args[(braced ?? bare) as string] ?? '';
  });
}
