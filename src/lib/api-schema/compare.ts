import { canonicalJson } from '../canonical-json.js';
import type { JsonSchema } from './json-schema.js';
import type { ApiSnapshot, ProcedureSchema } from './snapshot.js';

/** One way a newer snapshot breaks a client written against an older one. */
export interface BreakingChange {
  procedure: string;
  /** Where in the procedure: `input`, `output.user.email`, `input.items[]`… */
  location: string;
  message: string;
}

export interface Comparison {
  breaking: BreakingChange[];
  /** Procedures the newer snapshot adds. */
  added: string[];
  /** True when the newer snapshot has a higher major version: breaking changes are then allowed. */
  versionBumped: boolean;
}

/**
 * Compares two snapshots of the API (docs/api-versioning.md). A client of `before` must keep working
 * against `after`: no procedure removed or turned into another type; every input `before` accepted is
 * still accepted (inputs may only widen); every output `after` can produce was promised by `before`
 * (outputs may only narrow, and keep every property).
 */
export function compareSnapshots(before: ApiSnapshot, after: ApiSnapshot): Comparison {
  const breaking: BreakingChange[] = [];
  for (const [procedure, old] of Object.entries(before.procedures)) {
    const current = after.procedures[procedure];
    if (!current) {
      breaking.push({ procedure, location: '', message: `procedure removed (was a ${old.type})` });
      continue;
    }
    breaking.push(...compareProcedure(procedure, old, current));
  }
  const added = Object.keys(after.procedures).filter((procedure) => !(procedure in before.procedures));
  return { breaking, added, versionBumped: after.version > before.version };
}

function compareProcedure(
  procedure: string,
  old: ProcedureSchema,
  current: ProcedureSchema,
): BreakingChange[] {
  if (old.type !== current.type)
    return [{ procedure, location: '', message: `type changed from ${old.type} to ${current.type}` }];
  const found: BreakingChange[] = [];
  const report = (location: string, message: string) => found.push({ procedure, location, message });
  if (old.inputOptional && !current.inputOptional)
    report('input', 'input is now required (calls without input are refused)');
  // No input declared: the procedure reads nothing, so whatever clients sent is accepted.
  if (current.input !== null) {
    const oldInput = old.input ?? (old.inputOptional ? null : {});
    if (oldInput !== null)
      new Walker('input', old.input ?? {}, current.input, report).compare('input', oldInput, current.input);
  }
  new Walker('output', old.output, current.output, report).compare('output', old.output, current.output);
  return found;
}

type Direction = 'input' | 'output';
type Report = (location: string, message: string) => void;

const IGNORED = new Set([
  '$comment',
  'description',
  'title',
  'default',
  'examples',
  '$id',
  '$schema',
  '$defs',
]);
const show = (value: unknown) => (value === undefined ? 'none' : canonicalJson(value));

/**
 * Walks an old and a new schema side by side. For inputs the new one must accept all the old one did
 * (`wide` = new); for outputs the old one must describe all the new one produces (`wide` = old).
 */
class Walker {
  private readonly seen = new Set<string>();

  constructor(
    private readonly direction: Direction,
    private readonly oldRoot: JsonSchema,
    private readonly newRoot: JsonSchema,
    private readonly report: Report,
  ) {}

  compare(location: string, oldSchema: JsonSchema, newSchema: JsonSchema): void {
    const old = this.resolve(oldSchema, this.oldRoot);
    const current = this.resolve(newSchema, this.newRoot);
    // A reference may lead back to itself (a recursive type): such pairs are compared once, wherever met.
    const viaReference = '$ref' in oldSchema || '$ref' in newSchema;
    const key = `${viaReference ? '' : location}|${canonicalJson(old)}|${canonicalJson(current)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const [wide, narrow] = this.direction === 'input' ? [current, old] : [old, current];
    this.covers(location, wide, narrow, old, current);
  }

  private resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
    let resolved = schema;
    for (let hops = 0; typeof resolved.$ref === 'string' && hops < 32; hops++) {
      const target = resolvePointer(root, resolved.$ref as string);
      if (!target) break;
      const { $ref: _ref, ...rest } = resolved;
      resolved = { ...target, ...rest };
    }
    if (Array.isArray(resolved.allOf) && resolved.allOf.length > 0) {
      const { allOf, ...rest } = resolved;
      return (allOf as JsonSchema[]).reduce<JsonSchema>(
        (merged, part) => mergeSchemas(merged, this.resolve(part, root)),
        rest,
      );
    }
    return resolved;
  }

  /** Reports where `narrow` admits values `wide` does not. `old` and `current` name the same two, in time order. */
  private covers(
    location: string,
    wide: JsonSchema,
    narrow: JsonSchema,
    old: JsonSchema,
    current: JsonSchema,
  ): void {
    if (isUnconstrained(wide)) return;
    const narrowBranches = alternatives(narrow);
    if (narrowBranches) {
      for (const branch of narrowBranches) this.coversBranch(location, wide, branch);
      return;
    }
    const wideBranches = alternatives(wide);
    if (wideBranches) {
      this.coversBranch(location, wide, narrow);
      return;
    }
    this.coversSimple(location, wide, narrow, old, current);
  }

  /** `narrow` (one alternative, or a whole schema) against `wide` (possibly a union). */
  private coversBranch(location: string, wide: JsonSchema, narrow: JsonSchema): void {
    const wideBranches = alternatives(wide) ?? [wide];
    const attempts = wideBranches.map((branch) => {
      const found: [string, string][] = [];
      const [old, current] = this.direction === 'input' ? [narrow, branch] : [branch, narrow];
      const probe = new Walker(this.direction, this.oldRoot, this.newRoot, (at, message) =>
        found.push([at, message]),
      );
      probe.compare(location, old, current);
      return { branch, found };
    });
    if (attempts.some((attempt) => attempt.found.length === 0)) return;
    // No alternative fits: explain against the one of the same type, when exactly one has it.
    const sameType = attempts.filter((attempt) => sameTypes(attempt.branch, narrow));
    if (sameType.length === 1) {
      for (const [at, message] of sameType[0]!.found) this.report(at, message);
      return;
    }
    const [before, after] = this.direction === 'input' ? [narrow, wide] : [wide, narrow];
    const lost = this.direction === 'input' ? 'no longer accepted' : 'not allowed before';
    this.report(
      location,
      `${describe(this.direction === 'input' ? before : after)} ${lost} (${show(before)} → ${show(after)})`,
    );
  }

  private coversSimple(
    location: string,
    wide: JsonSchema,
    narrow: JsonSchema,
    old: JsonSchema,
    current: JsonSchema,
  ) {
    const report = (message: string) => this.report(location, message);
    if (isNever(narrow)) return;
    const wideTypes = typesOf(wide);
    const narrowTypes = typesOf(narrow);
    if (wideTypes && (!narrowTypes || ![...narrowTypes].every((type) => typeAdmits(wideTypes, type)))) {
      report(`type changed from ${showTypes(typesOf(old))} to ${showTypes(typesOf(current))}`);
      return;
    }
    const wideValues = valuesOf(wide);
    const narrowValues = valuesOf(narrow);
    if (wideValues) {
      if (!narrowValues)
        report(
          this.direction === 'input'
            ? `now restricted to ${show(wideValues)} (was ${describe(narrow)})`
            : `was restricted to ${show(wideValues)}, now ${describe(narrow)}`,
        );
      else {
        const missing = narrowValues.filter(
          (value) => !wideValues.some((allowed) => sameValue(allowed, value)),
        );
        if (missing.length > 0)
          report(
            this.direction === 'input'
              ? `value(s) ${show(missing)} no longer accepted`
              : `value(s) ${show(missing)} added (clients that handle every value break)`,
          );
      }
    }
    this.compareBounds(report, wide, narrow, old, current);
    this.compareObjects(location, narrow, old, current);
    this.compareArrays(location, old, current);
  }

  private compareBounds(
    report: (message: string) => void,
    wide: JsonSchema,
    narrow: JsonSchema,
    old: JsonSchema,
    current: JsonSchema,
  ) {
    const changed = (keyword: string) =>
      report(`${keyword} changed from ${show(old[keyword])} to ${show(current[keyword])}`);
    for (const keyword of ['minLength', 'minItems', 'minProperties']) {
      const limit = wide[keyword] as number | undefined;
      if (limit !== undefined && limit > ((narrow[keyword] as number | undefined) ?? 0)) changed(keyword);
    }
    for (const keyword of ['maxLength', 'maxItems', 'maxProperties']) {
      const limit = wide[keyword] as number | undefined;
      const other = narrow[keyword] as number | undefined;
      if (limit !== undefined && (other === undefined || limit < other)) changed(keyword);
    }
    const lower = (schema: JsonSchema) => bound(schema, 'minimum', 'exclusiveMinimum');
    const upper = (schema: JsonSchema) => bound(schema, 'maximum', 'exclusiveMaximum');
    const [wideLow, narrowLow] = [lower(wide), lower(narrow)];
    if (wideLow && (!narrowLow || tighter(wideLow, narrowLow, 1)))
      report(`lower bound changed from ${showBound(lower(old))} to ${showBound(lower(current))}`);
    const [wideHigh, narrowHigh] = [upper(wide), upper(narrow)];
    if (wideHigh && (!narrowHigh || tighter(wideHigh, narrowHigh, -1)))
      report(`upper bound changed from ${showBound(upper(old))} to ${showBound(upper(current))}`);
    for (const keyword of ['pattern', 'format', 'multipleOf', 'contentEncoding', 'contentMediaType']) {
      if (wide[keyword] !== undefined && wide[keyword] !== narrow[keyword]) changed(keyword);
    }
    if (wide.uniqueItems === true && narrow.uniqueItems !== true) changed('uniqueItems');
  }

  private compareObjects(location: string, narrow: JsonSchema, old: JsonSchema, current: JsonSchema) {
    const oldProperties = (old.properties ?? {}) as Record<string, JsonSchema>;
    const newProperties = (current.properties ?? {}) as Record<string, JsonSchema>;
    const oldRequired = new Set((old.required ?? []) as string[]);
    const newRequired = new Set((current.required ?? []) as string[]);
    const at = (name: string) => `${location}.${name}`;
    if (this.direction === 'input') {
      for (const name of newRequired) {
        if (oldRequired.has(name)) continue;
        this.report(
          at(name),
          name in oldProperties ? 'optional property made required' : 'new required property',
        );
      }
      for (const name of Object.keys(oldProperties)) {
        if (name in newProperties) continue;
        if (current.additionalProperties === false)
          this.report(at(name), 'property removed from a closed object');
        else if (isSchema(current.additionalProperties))
          this.compare(at(name), oldProperties[name]!, current.additionalProperties);
      }
      if (
        current.additionalProperties === false &&
        old.additionalProperties !== false &&
        typesOf(old)?.has('object')
      )
        this.report(location, 'object no longer accepts other properties');
    } else {
      for (const name of Object.keys(oldProperties)) {
        if (!(name in newProperties)) this.report(at(name), 'property removed');
        else if (oldRequired.has(name) && !newRequired.has(name))
          this.report(at(name), 'property made optional (may now be missing)');
      }
    }
    for (const name of Object.keys(oldProperties)) {
      if (name in newProperties) this.compare(at(name), oldProperties[name]!, newProperties[name]!);
    }
    const [oldExtra, newExtra] = [old.additionalProperties, current.additionalProperties];
    if (isSchema(oldExtra) && isSchema(newExtra)) this.compare(`${location}[*]`, oldExtra, newExtra);
    else if (
      this.direction === 'output' &&
      isSchema(oldExtra) &&
      newExtra === undefined &&
      typesOf(narrow)?.has('object') &&
      !isUnconstrained(oldExtra)
    )
      this.report(`${location}[*]`, 'values no longer constrained');
  }

  private compareArrays(location: string, old: JsonSchema, current: JsonSchema) {
    if (isSchema(old.items) && isSchema(current.items))
      this.compare(`${location}[]`, old.items, current.items);
    else if (
      isSchema(old.items) &&
      current.items === undefined &&
      !isUnconstrained(old.items) &&
      this.direction === 'output' &&
      typesOf(current)?.has('array') &&
      !Array.isArray(current.prefixItems)
    )
      this.report(`${location}[]`, 'items no longer constrained');
    else if (
      isSchema(current.items) &&
      old.items === undefined &&
      this.direction === 'input' &&
      typesOf(old)?.has('array') &&
      !Array.isArray(old.prefixItems) &&
      !isUnconstrained(current.items)
    )
      this.report(`${location}[]`, 'items now constrained');
    const oldPrefix = (old.prefixItems ?? []) as JsonSchema[];
    const newPrefix = (current.prefixItems ?? []) as JsonSchema[];
    for (let index = 0; index < Math.min(oldPrefix.length, newPrefix.length); index++)
      this.compare(`${location}[${index}]`, oldPrefix[index]!, newPrefix[index]!);
  }
}

function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...a, ...b };
  if (a.properties || b.properties)
    merged.properties = { ...(a.properties as object | undefined), ...(b.properties as object | undefined) };
  if (a.required || b.required)
    merged.required = [
      ...new Set([...((a.required ?? []) as string[]), ...((b.required ?? []) as string[])]),
    ];
  return merged;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isUnconstrained(schema: JsonSchema): boolean {
  return Object.keys(schema).every((keyword) => IGNORED.has(keyword));
}

function isNever(schema: JsonSchema): boolean {
  return isSchema(schema.not) && isUnconstrained(schema.not);
}

function alternatives(schema: JsonSchema): JsonSchema[] | undefined {
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  // `type: ['string', 'null']` is the same union as `anyOf: [string, null]` (Zod writes one or the other).
  if (!branches && Array.isArray(schema.type) && schema.type.length > 1)
    return (schema.type as string[]).map((type) => ({ ...schema, type }));
  if (!branches) return undefined;
  const { anyOf: _anyOf, oneOf: _oneOf, ...shared } = schema;
  // Keywords beside `anyOf` apply to every alternative.
  return isUnconstrained(shared) ? branches : branches.map((branch) => mergeSchemas(shared, branch));
}

/** The JSON types a schema admits, or undefined when it does not say (any type). */
function typesOf(schema: JsonSchema | undefined): Set<string> | undefined {
  if (!schema) return undefined;
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type as string[]);
  const values = valuesOf(schema);
  if (values) return new Set(values.map(jsonType));
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeAdmits(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

function sameTypes(a: JsonSchema, b: JsonSchema): boolean {
  const [left, right] = [typesOf(a), typesOf(b)];
  return !!left && !!right && [...right].every((type) => typeAdmits(left, type));
}

function valuesOf(schema: JsonSchema): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function describe(schema: JsonSchema): string {
  const values = valuesOf(schema);
  if (values) return `value(s) ${show(values)}`;
  const types = typesOf(schema);
  return types ? `type ${showTypes(types)}` : 'any value';
}

function showTypes(types: Set<string> | undefined): string {
  return types ? [...types].sort().join('|') : 'any';
}

interface Bound {
  value: number;
  exclusive: boolean;
}

function bound(schema: JsonSchema, inclusive: string, exclusive: string): Bound | undefined {
  const open = schema[exclusive];
  if (typeof open === 'number') return { value: open, exclusive: true };
  const closed = schema[inclusive];
  return typeof closed === 'number' ? { value: closed, exclusive: false } : undefined;
}

/** Whether bound `a` admits less than bound `b` (sign 1: lower bounds, -1: upper bounds). */
function tighter(a: Bound, b: Bound, sign: number): boolean {
  if (a.value !== b.value) return sign * (a.value - b.value) > 0;
  return a.exclusive && !b.exclusive;
}

function showBound(value: Bound | undefined): string {
  return value ? `${value.exclusive ? 'exclusive ' : ''}${value.value}` : 'none';
}
