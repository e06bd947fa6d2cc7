import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  type Dockerfile,
  envAssignments,
  healthcheckOf,
  type Instruction,
  parseDockerfile,
} from './dockerfile.js';

/**
 * The static checks of the container image, compose file and load balancer (test/deploy/image.test.ts).
 * Each takes file texts and returns its problems as sentences, so the test can also feed it broken copies
 * and see each check fail.
 */

export interface Project {
  root: string;
  packageJson: { scripts: Record<string, string>; devDependencies?: Record<string, string> };
  /** tsconfig.build.json's outDir and rootDir (resolved through `extends`). */
  build: { outDir: string; rootDir: string; include: string[] };
  roles: readonly string[];
  envKeys: readonly string[];
  secretEnvKeys: readonly string[];
  /** Files the running code reads from the project root (relative paths). */
  runtimeFiles: string[];
}

const NODE_MAJOR = '24';

/** What the image's final stage runs and ships. */
export function dockerfileProblems(text: string, project: Project): string[] {
  const problems: string[] = [];
  const file = parseDockerfile(text);
  if (file.stages.length < 2) problems.push('the Dockerfile is not multi-stage');
  const final = file.stages.at(-1)!;
  if (!new RegExp(`^(docker\\.io/)?(library/)?node:${NODE_MAJOR}([.-]|$)`).test(final.image)) {
    problems.push(`the final stage is not on node ${NODE_MAJOR} (${final.image})`);
  }
  const all = (keyword: string) =>
    final.instructions.filter((instruction) => instruction.keyword === keyword);
  const user = all('USER').at(-1)?.args[0];
  if (!user || /^(root|0)(:|$)/.test(user))
    problems.push(`the final stage runs as root (USER ${user ?? 'unset'})`);
  const stopSignal = all('STOPSIGNAL').at(-1)?.args[0];
  if (stopSignal !== 'SIGTERM') problems.push(`STOPSIGNAL is not SIGTERM (${stopSignal ?? 'unset'})`);
  const env = Object.assign({}, ...all('ENV').map(envAssignments)) as Record<string, string>;
  if (env.NODE_ENV !== 'production') problems.push('NODE_ENV is not production in the final stage');
  if (all('EXPOSE').length === 0) problems.push('the final stage exposes no port');
  const unknownRoles = (env.ROLES ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role && !project.roles.includes(role));
  if (unknownRoles.length > 0)
    problems.push(`the image's ROLES names ${unknownRoles.join(', ')}, not a role`);

  const health = all('HEALTHCHECK').at(-1);
  const healthCommand = health && healthcheckOf(health);
  if (!healthCommand || healthCommand.none) problems.push('no HEALTHCHECK in the final stage');
  else problems.push(...commandProblems('HEALTHCHECK', healthCommand.command!, project));
  const cmd = all('CMD').at(-1);
  if (!cmd) problems.push('no CMD in the final stage');
  else {
    if (!cmd.execForm)
      problems.push('CMD is in shell form: PID 1 would be a shell that does not pass SIGTERM on');
    problems.push(...commandProblems('CMD', cmd, project));
  }
  if (all('ENTRYPOINT').length > 0) problems.push('an ENTRYPOINT would wrap CMD and compose commands');

  problems.push(...devDependencyProblems(file));
  problems.push(...shippedFileProblems(file, project));
  return problems;
}

/** Commands must run what the image holds: a built file, or a script needing no build step. */
export function commandProblems(
  what: string,
  command: Pick<Instruction, 'args'>,
  project: Project,
): string[] {
  const [program, ...args] = command.args;
  if (program === 'npm') {
    const script = args[0] === 'run' ? args[1] : args[0];
    if (!script || !(script in project.packageJson.scripts)) {
      return [`${what} runs npm script ${script ?? '(none)'}, which package.json does not define`];
    }
    if (`pre${script}` in project.packageJson.scripts) {
      return [`${what} runs npm script ${script}, whose pre${script} would run first (a rebuild)`];
    }
    const file = /\bnode\b.*?\s(\S+\.js)\b/.exec(project.packageJson.scripts[script]!)?.[1];
    return file ? builtFileProblems(what, file, project) : [];
  }
  if (program === 'node') {
    const file = args.find((arg) => !arg.startsWith('-'));
    return file ? builtFileProblems(what, file, project) : [`${what} runs node without a file`];
  }
  return [`${what} runs ${program ?? 'nothing'}, neither node nor npm`];
}

/** `dist/src/main.js` is produced by the build when `src/main.ts` exists under the build's include. */
function builtFileProblems(what: string, file: string, project: Project): string[] {
  const outDir = path.normalize(project.build.outDir);
  const relative = path.normalize(file);
  if (!relative.startsWith(`${outDir}${path.sep}`))
    return [`${what} runs ${file}, outside the build's ${outDir}/`];
  const source = path.join(project.build.rootDir, relative.slice(outDir.length + 1)).replace(/\.js$/, '.ts');
  const included = project.build.include.some((folder) =>
    source.startsWith(`${path.normalize(folder)}${path.sep}`),
  );
  if (!included || !existsSync(path.join(project.root, source)) || source.endsWith('.test.ts')) {
    return [`${what} runs ${file}, which the build does not produce (no ${source})`];
  }
  return [];
}

/** node_modules in the final stage come from an --omit=dev install, here or in the stage copied from. */
function devDependencyProblems(file: Dockerfile): string[] {
  const problems: string[] = [];
  const final = file.stages.at(-1)!;
  const installs = (instructions: Instruction[]) =>
    instructions.filter((i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install|i)\b/.test(i.args.join(' ')));
  const omitsDev = (instruction: Instruction) =>
    /--omit[= ]dev\b|--production\b/.test(instruction.args.join(' '));
  for (const install of installs(final.instructions)) {
    if (!omitsDev(install)) problems.push(`the final stage installs dev dependencies (line ${install.line})`);
  }
  for (const copy of final.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const sources = copy.args.slice(0, -1);
    const from = copy.flags.from;
    const copiesModules = sources.some(
      (source) => /(^|\/)node_modules(\/|$)/.test(source) || source === '.' || source === '/app',
    );
    if (!copiesModules) continue;
    if (typeof from !== 'string') {
      problems.push(`line ${copy.line} copies node_modules from the build context`);
      continue;
    }
    const stage = file.stages.find((candidate) => candidate.name === from.toLowerCase());
    const stageInstalls = stage ? installs(stage.instructions) : [];
    if (!stage || stageInstalls.length === 0 || !stageInstalls.every(omitsDev)) {
      problems.push(
        `line ${copy.line} copies node_modules from stage ${from}, which installs dev dependencies`,
      );
    }
  }
  return problems;
}

/** Every file the code reads at run time, and the built dist/, reach the final stage's working directory. */
function shippedFileProblems(file: Dockerfile, project: Project): string[] {
  const final = file.stages.at(-1)!;
  let workdir = '/';
  const shipped: string[] = [];
  for (const instruction of final.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.args[0]!);
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    const sources = instruction.args.slice(0, -1);
    const rawDest = instruction.args.at(-1)!;
    const dest = path.posix.resolve(workdir, rawDest);
    const intoFolder = rawDest.endsWith('/') || sources.length > 1;
    for (const source of sources)
      shipped.push(intoFolder ? path.posix.join(dest, path.posix.basename(source)) : dest);
  }
  const covered = (relative: string) => {
    const target = path.posix.join(workdir, relative);
    return shipped.some((item) => target === item || target.startsWith(`${item}/`));
  };
  return [...project.runtimeFiles, project.build.outDir]
    .filter((relative) => !covered(relative))
    .map((relative) => `the final stage does not ship ${relative}, which the code needs at run time`);
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  volumes?: string[];
}

/** Our services are the ones built from this repository's Dockerfile. */
export function parseCompose(text: string): Record<string, ComposeService> {
  const compose = parseYaml(text, { merge: true }) as { services?: Record<string, ComposeService> };
  if (!compose?.services) throw new Error('compose file without services');
  return compose.services;
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)])
    : Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]);
  return Object.fromEntries(entries);
}

export function composeProblems(text: string, project: Project): string[] {
  const problems: string[] = [];
  const services = parseCompose(text);
  const ours = Object.entries(services).filter(([, service]) => service.build !== undefined);
  const migrate = ours.find(([, service]) => JSON.stringify(service.command ?? '').includes('migrate'));
  if (!migrate) problems.push('no one-shot migrate service built from the image');

  const rolesSeen = new Set<string>();
  for (const [name, service] of ours) {
    const env = environmentOf(service);
    for (const key of Object.keys(env)) {
      if (!project.envKeys.includes(key))
        problems.push(`${name} sets ${key}, which src/config/env.ts does not read`);
    }
    if (env.NODE_ENV !== 'production') problems.push(`${name} does not run with NODE_ENV=production`);
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'CORS_ORIGINS']) {
      if (!env[key]) problems.push(`${name} lacks ${key}, required in production`);
    }
    for (const key of project.secretEnvKeys) {
      if (env[key] !== undefined && !isInterpolatedSecret(env[key]!)) {
        problems.push(`${name} commits a value for ${key}: take it from the environment (\${${key}:?})`);
      }
    }
    if (service.command !== undefined) {
      const args = Array.isArray(service.command) ? service.command : service.command.split(/\s+/);
      problems.push(...commandProblems(`${name}'s command`, { args }, project));
    }
    if (name === migrate?.[0]) continue;
    for (const role of (env.ROLES ?? project.roles.join(','))
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean)) {
      if (!project.roles.includes(role))
        problems.push(`${name} plays ${role}, not a role (${project.roles.join(', ')})`);
      rolesSeen.add(role);
    }
    const dependsOn = Array.isArray(service.depends_on) ? {} : (service.depends_on ?? {});
    if (migrate && dependsOn[migrate[0]]?.condition !== 'service_completed_successfully') {
      problems.push(`${name} does not wait for ${migrate[0]} to complete successfully`);
    }
  }
  const missing = project.roles.filter((role) => !rolesSeen.has(role));
  if (missing.length > 0) problems.push(`no service plays ${missing.join(', ')}`);

  const postgres = Object.entries(services).find(([, s]) =>
    /^(docker\.io\/)?(library\/)?postgres:/.test(s.image ?? ''),
  );
  if (!postgres || !/^[^:]+:16([.-]|$)/.test(postgres[1].image!)) problems.push('no postgres:16 service');
  else if (!postgres[1].healthcheck?.test) problems.push('postgres has no healthcheck');
  else if (!postgres[1].volumes?.length) problems.push('postgres keeps its data in no volume');
  const redis = Object.entries(services).find(([, s]) =>
    /^(docker\.io\/)?(library\/)?redis:/.test(s.image ?? ''),
  );
  if (!redis || !/^[^:]+:7([.-]|$)/.test(redis[1].image!)) problems.push('no redis:7 service');
  else {
    const command = [redis[1].command ?? ''].flat().join(' ');
    if (!/--appendonly\s+yes\b/.test(command)) problems.push('redis does not run with --appendonly yes');
    if (!redis[1].volumes?.length) problems.push('redis keeps its data in no volume');
  }
  return problems;
}

/** `${JWT_SECRET:?}`, or a URL whose credentials (if any) are one: no literal secret in the file. */
function isInterpolatedSecret(value: string): boolean {
  const interpolation = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[?-][^}]*)?\}$/;
  if (interpolation.test(value)) return true;
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:([^@/]*)@)?/i.exec(value);
  if (!url) return false;
  const userinfo = url[1];
  if (userinfo === undefined) return true;
  // `user:password@` hides the password; a DSN's `key@` is the key itself.
  return interpolation.test(userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : userinfo);
}

interface HaproxyConfig {
  backends: Record<string, { servers: string[]; lines: string[] }>;
  frontends: Record<string, string[]>;
}

export function parseHaproxy(text: string): HaproxyConfig {
  const config: HaproxyConfig = { backends: {}, frontends: {} };
  let section: string[] | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [keyword, name] = line.split(/\s+/);
    if (!/^\s/.test(rawLine)) {
      section = undefined;
      if (keyword === 'backend' && name) {
        config.backends[name] = { servers: [], lines: [] };
        section = config.backends[name].lines;
      }
      if (keyword === 'frontend' && name) {
        config.frontends[name] = [];
        section = config.frontends[name];
      }
      continue;
    }
    section?.push(line);
  }
  for (const backend of Object.values(config.backends)) {
    for (const line of backend.lines) {
      const words = line.split(/\s+/);
      // `server name address[:port]` or `server-template prefix count address[:port]`.
      const address =
        words[0] === 'server' ? words[2] : words[0] === 'server-template' ? words[3] : undefined;
      if (address) backend.servers.push(address);
    }
  }
  return config;
}

/** HAProxy's backends name compose services, check readiness, and send WebSocket upgrades to realtime. */
export function haproxyProblems(text: string, composeText: string, project: Project): string[] {
  const problems: string[] = [];
  const services = parseCompose(composeText);
  const config = parseHaproxy(text);
  const rolesOf = (service: string) =>
    (environmentOf(services[service] ?? {}).ROLES ?? project.roles.join(',')).split(',').map((r) => r.trim());
  const hostsOf = (backend: string) => (config.backends[backend]?.servers ?? []).map((s) => s.split(':')[0]!);
  if (Object.keys(config.backends).length === 0) problems.push('the load balancer has no backend');
  for (const [name, backend] of Object.entries(config.backends)) {
    if (backend.servers.length === 0) problems.push(`backend ${name} has no server`);
    for (const server of backend.servers) {
      const [host, port] = server.split(':');
      if (!services[host!]) problems.push(`backend ${name} sends to ${host}, not a compose service`);
      // PORT's default (src/config/env.ts and the image) unless the service sets its own.
      else if (port !== (environmentOf(services[host!]!).PORT ?? '8080')) {
        problems.push(`backend ${name} sends to ${host}:${port}, which is not the port ${host} listens on`);
      }
    }
    if (!backend.lines.some((line) => /^option httpchk (GET )?\/api\/health\/ready\b/.test(line))) {
      problems.push(`backend ${name} does not check /api/health/ready`);
    }
  }
  for (const [name, lines] of Object.entries(config.frontends)) {
    const fallback = lines.find((line) => line.startsWith('default_backend '))?.split(/\s+/)[1];
    if (
      !fallback ||
      !hostsOf(fallback).every((host) => rolesOf(host).includes('api')) ||
      hostsOf(fallback).length === 0
    ) {
      problems.push(`frontend ${name}'s default backend does not reach the api role`);
    }
    const acls = Object.fromEntries(
      lines.filter((line) => line.startsWith('acl ')).map((line) => [line.split(/\s+/)[1]!, line]),
    );
    const upgrade = lines
      .filter((line) => line.startsWith('use_backend '))
      .find((line) => {
        const names = line.split(/\s+/).slice(3);
        const matched = names.map((acl) => acls[acl] ?? '');
        return (
          matched.some((acl) => /hdr\((Upgrade|upgrade)\)\s+-i\s+websocket/.test(acl)) &&
          matched.some((acl) => /\s\/api\/trpc(\s|$)/.test(acl))
        );
      });
    const target = upgrade?.split(/\s+/)[1];
    if (
      !target ||
      hostsOf(target).length === 0 ||
      !hostsOf(target).every((host) => rolesOf(host).includes('realtime'))
    ) {
      problems.push(`frontend ${name} does not send WebSocket upgrades on /api/trpc to the realtime role`);
    }
  }
  return problems;
}

/** Docker's .dockerignore rules (last match wins, `!` re-includes): is `relative` left out of the context? */
export function isIgnored(dockerignore: string, relative: string): boolean {
  let ignored = false;
  for (const rawLine of dockerignore.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = path.posix
      .normalize((negated ? line.slice(1) : line).replace(/^\/+/, ''))
      .replace(/\/$/, '');
    const regex = new RegExp(
      `^${pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('')}(/.*)?$`,
    );
    if (regex.test(relative)) ignored = !negated;
  }
  return ignored;
}

export function dockerignoreProblems(dockerignore: string, dockerfile: string): string[] {
  const problems: string[] = [];
  for (const required of ['node_modules', '.git', '.env', 'dist', 'data', 'coverage']) {
    if (!isIgnored(dockerignore, required))
      problems.push(`.dockerignore lets ${required} into the build context`);
  }
  // Whatever the Dockerfile copies from the context must still be in it.
  for (const stage of parseDockerfile(dockerfile).stages) {
    for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && i.flags.from === undefined)) {
      for (const source of copy.args.slice(0, -1)) {
        if (isIgnored(dockerignore, path.posix.normalize(source)))
          problems.push(`.dockerignore leaves out ${source}, which the Dockerfile copies`);
      }
    }
  }
  return problems;
}

/** Reads the project facts the checks compare against. */
export function readProject(
  root: string,
  config: Pick<Project, 'roles' | 'envKeys' | 'secretEnvKeys'>,
): Project {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const tsconfig = (
    file: string,
  ): { extends?: string; include?: string[]; compilerOptions?: Record<string, unknown> } =>
    JSON.parse(read(file));
  const buildConfig = tsconfig('tsconfig.build.json');
  const baseConfig = buildConfig.extends ? tsconfig(buildConfig.extends) : {};
  const options = { ...baseConfig.compilerOptions, ...buildConfig.compilerOptions };
  return {
    root,
    packageJson: JSON.parse(read('package.json')),
    build: {
      outDir: String(options.outDir ?? '.'),
      rootDir: String(options.rootDir ?? '.'),
      include: buildConfig.include ?? baseConfig.include ?? [],
    },
    ...config,
    runtimeFiles: runtimeFilesOf(root),
  };
}

/**
 * The files the running code reads beside itself: package.json (the project root marker), the
 * migrations folder, and every `path.join(projectRoot, 'literal', …)` in non-test sources.
 */
function runtimeFilesOf(root: string): string[] {
  const files = new Set(['package.json']);
  const sources = readFileSync(path.join(root, 'src', 'db', 'migrate.ts'), 'utf8');
  const folder = /MIGRATIONS_FOLDER = path\.join\(projectRoot, '([^']+)'\)/.exec(sources)?.[1];
  if (folder) files.add(folder);
  for (const file of listSources(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/path\.join\(\s*projectRoot\s*,\s*((?:'[^']*'\s*,?\s*)+)\)/g)) {
      files.add([...match[1]!.matchAll(/'([^']*)'/g)].map((part) => part[1]).join('/'));
    }
  }
  return [...files];
}

function listSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
