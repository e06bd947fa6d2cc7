import { z } from 'zod';
import type { OpenApiOperationMeta, ProcedureMeta } from '../../trpc/init.js';

/** A REST operation: a procedure with `openapi` metadata, and the schemas it is documented and run with. */
export interface RestOperation extends OpenApiOperationMeta {
  /** The procedure it runs, by its tRPC path (an aliased procedure by its first name). */
  procedure: string;
  /** The procedure's input object (unwrapped from `.default()`/`.prefault()`); null when it takes none. */
  input: z.ZodObject | null;
  /** The procedure's `.output()`: what the answer's JSON is (Dates as ISO strings). */
  output: z.ZodType;
  /** The `{name}` parameters of the path, in order; each is a key of the input. */
  pathParams: string[];
}

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
  output?: unknown;
  meta?: ProcedureMeta;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable']);

/** The schema inside `.optional()`, `.default()`, `.prefault()` and `.nullable()` wrappers. */
export function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (WRAPPERS.has(current._zod.def.type))
    current = (current._zod.def as unknown as { innerType: z.ZodType }).innerType;
  return current;
}

/**
 * The REST operations of a router: every procedure whose metadata has `openapi`, once (aliases share one
 * procedure object). Throws at start-up for a procedure that cannot be served as declared: not a query, no
 * `.output()`, an input that is not an object, a path parameter the input lacks, or a route taken twice.
 */
export function restOperationsOf(router: { _def: { procedures: object } }): RestOperation[] {
  const seen = new Set<unknown>();
  const routes = new Set<string>();
  const operations: RestOperation[] = [];
  for (const [path, procedure] of Object.entries(
    router._def.procedures as Record<string, { _def: ProcedureDef }>,
  )) {
    const def = procedure._def;
    const openapi = def.meta?.openapi;
    if (!openapi || seen.has(procedure)) continue;
    seen.add(procedure);
    const fail = (problem: string): never => {
      throw new Error(`REST operation ${openapi.method} ${openapi.path} (${path}): ${problem}`);
    };
    if (def.type !== 'query') fail('only queries are served over REST');
    if (!(def.output instanceof z.ZodType)) fail('needs an .output() schema');
    if (def.inputs.length > 1) fail('takes one .input()');
    const [declared] = def.inputs;
    const input = declared === undefined ? null : unwrapped(declared as z.ZodType);
    if (input !== null && !(input instanceof z.ZodObject)) fail('its input must be an object');
    const pathParams = [...openapi.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    for (const name of pathParams)
      if (!(input instanceof z.ZodObject) || !(name in input.shape)) fail(`the input has no "${name}"`);
    const route = `${openapi.method} ${openapi.path.replace(/\{\w+\}/g, '{}')}`;
    if (routes.has(route)) fail('another procedure has this route');
    routes.add(route);
    operations.push({
      ...openapi,
      procedure: path,
      input: input as z.ZodObject | null,
      output: def.output as z.ZodType,
      pathParams,
    });
  }
  return operations;
}
