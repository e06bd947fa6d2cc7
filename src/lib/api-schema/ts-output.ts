import path from 'node:path';
import ts from 'typescript';
import type { JsonSchema } from './json-schema.js';
import { sortSchemas } from './json-schema.js';

/** Where the router type lives and what it is called, relative to the project root. */
export interface RouterTypeSource {
  /** The project root (holding tsconfig.json). */
  root: string;
  /** The module exporting the router type, relative to the root, as an import would name it. */
  module: string;
  /** The exported type, e.g. `AppRouter`. */
  typeName: string;
}

/**
 * JSON Schemas of what each procedure answers, read from the TypeScript type `inferRouterOutputs<Router>`
 * with the compiler's own checker (libraries that generate schemas from types parse the syntax instead and
 * give up on tRPC's inferred types). Values are described as superjson carries them: a `Date` is a
 * date-time string, `undefined` members make a property optional, functions are left out.
 */
export function outputSchemasFromTypes(source: RouterTypeSource, paths: string[]): Map<string, JsonSchema> {
  const configFile = ts.findConfigFile(source.root, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) throw new Error(`tsconfig.json not found in ${source.root}`);
  const config = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configFile, ts.sys.readFile).config,
    ts.sys,
    source.root,
  );
  const probeFile = path.join(source.root, path.dirname(source.module), '__api-outputs__.ts');
  const specifier = `./${path.basename(source.module).replace(/\.ts$/, '.js')}`;
  const probeText = [
    "import type { inferRouterOutputs } from '@trpc/server';",
    `import type { ${source.typeName} } from '${specifier}';`,
    `export declare const outputs: inferRouterOutputs<${source.typeName}>;`,
  ].join('\n');
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === probeFile
      ? ts.createSourceFile(fileName, probeText, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => path.resolve(fileName) === probeFile || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [probeFile], options: config.options, host });
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(probeFile);
  const statement = probe?.statements.find(ts.isVariableStatement);
  const declaration = statement?.declarationList.declarations[0];
  if (!declaration) throw new Error('the output probe did not compile');
  const outputs = checker.getTypeAtLocation(declaration.name);
  const describe = new TypeDescriber(checker);
  const schemas = new Map<string, JsonSchema>();
  for (const procedurePath of paths) {
    let type: ts.Type | undefined = outputs;
    for (const segment of procedurePath.split('.')) {
      const property: ts.Symbol | undefined = type && checker.getPropertyOfType(type, segment);
      type = property && checker.getTypeOfSymbol(property);
    }
    if (!type) throw new Error(`no output type for ${procedurePath}`);
    schemas.set(procedurePath, describe.schema(eventsOf(checker, type) ?? type));
  }
  return schemas;
}

const PRIMITIVE_FLAGS = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike;

/** Turns checker types into JSON Schemas (draft 2020-12 keywords), following each type at most once per path. */
class TypeDescriber {
  private readonly stack: ts.Type[] = [];

  constructor(private readonly checker: ts.TypeChecker) {}

  schema(type: ts.Type): JsonSchema {
    if (this.stack.includes(type)) return { $comment: `recursive: ${this.checker.typeToString(type)}` };
    this.stack.push(type);
    try {
      return this.describe(type);
    } finally {
      this.stack.pop();
    }
  }

  private describe(type: ts.Type): JsonSchema {
    const { flags } = type;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (flags & ts.TypeFlags.Never) return { not: {} };
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Null)) return { type: 'null' };
    if (type.isStringLiteral()) return { type: 'string', const: type.value };
    if (type.isNumberLiteral()) return { type: 'number', const: type.value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: isTrue(type) };
    if (flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (flags & ts.TypeFlags.StringLike) return { type: 'string' };
    if (flags & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (flags & ts.TypeFlags.BigIntLike) return { type: 'integer' };
    if (flags & ts.TypeFlags.ESSymbolLike) return {};
    if (type.isUnion()) return this.union(type.types);
    if (type.isIntersection()) {
      // A branded primitive (`string & { __brand }`) is the primitive on the wire.
      const primitive = type.types.find((member) => member.flags & PRIMITIVE_FLAGS);
      if (primitive) return this.schema(primitive);
    }
    const name = type.getSymbol()?.getName();
    if (name === 'Date') return { type: 'string', format: 'date-time' };
    if (this.checker.isTupleType(type)) return this.tuple(type as ts.TupleTypeReference);
    if (this.checker.isArrayType(type)) {
      const [item] = this.checker.getTypeArguments(type as ts.TypeReference);
      return { type: 'array', items: item ? this.schema(item) : {} };
    }
    if ((name === 'Map' || name === 'Set') && type.flags & ts.TypeFlags.Object) {
      const args = this.checker.getTypeArguments(type as ts.TypeReference);
      const last = args[args.length - 1];
      const value = last ? this.schema(last) : {};
      return name === 'Set'
        ? { type: 'array', items: value, uniqueItems: true }
        : { type: 'object', additionalProperties: value };
    }
    return this.object(type);
  }

  private union(members: ts.Type[]): JsonSchema {
    const present = members.filter(
      (member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)),
    );
    const booleans = present.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral);
    const rest = booleans.length === 2 ? present.filter((member) => !booleans.includes(member)) : present;
    const schemas: JsonSchema[] = booleans.length === 2 ? [{ type: 'boolean' }] : [];
    const strings: string[] = [];
    const numbers: number[] = [];
    for (const member of rest) {
      if (member.isStringLiteral()) strings.push(member.value);
      else if (member.isNumberLiteral()) numbers.push(member.value);
      else schemas.push(this.schema(member));
    }
    if (strings.length > 0)
      schemas.push(
        strings.length === 1
          ? { type: 'string', const: strings[0] }
          : { type: 'string', enum: strings.sort() },
      );
    if (numbers.length > 0)
      schemas.push(
        numbers.length === 1
          ? { type: 'number', const: numbers[0] }
          : { type: 'number', enum: numbers.sort((a, b) => a - b) },
      );
    if (schemas.length === 0) return { type: 'null' };
    return schemas.length === 1 ? schemas[0]! : { anyOf: sortSchemas(schemas) };
  }

  private tuple(type: ts.TupleTypeReference): JsonSchema {
    const target = type.target;
    const elements = this.checker.getTypeArguments(type);
    const variadic = target.elementFlags.some(
      (flag) => flag & (ts.ElementFlags.Rest | ts.ElementFlags.Variadic),
    );
    const fixed = elements.slice(0, variadic ? -1 : undefined);
    const rest = variadic ? elements[elements.length - 1] : undefined;
    return {
      type: 'array',
      prefixItems: fixed.map((element) => this.schema(element)),
      minItems: target.minLength,
      ...(rest ? { items: this.schema(rest) } : { maxItems: fixed.length }),
    };
  }

  private object(type: ts.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const name = property.getName();
      if (name.startsWith('__@')) continue;
      const propertyType = this.checker.getTypeOfSymbol(property);
      if (isFunction(propertyType)) continue;
      const optional =
        (property.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propertyType.isUnion() &&
          propertyType.types.some((member) => member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
      properties[name] = this.schema(propertyType);
      if (!optional) required.push(name);
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length > 0) schema.required = required.sort();
    const index = this.checker
      .getIndexInfosOfType(type)
      .find((info) => info.keyType.flags & ts.TypeFlags.String);
    if (index) schema.additionalProperties = this.schema(index.type);
    return schema;
  }
}

/**
 * What a subscription sends: the yield type of the async iterable its resolver returns, a `tracked()` event
 * as the `{ id, data }` object the wire carries. Undefined for anything that is not an async iterable.
 */
function eventsOf(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  const name = type.getSymbol()?.getName();
  if (name !== 'AsyncIterable' && name !== 'AsyncGenerator' && name !== 'AsyncIterableIterator')
    return undefined;
  return checker.getTypeArguments(type as ts.TypeReference)[0];
}

function isTrue(type: ts.Type): boolean {
  return (type as ts.Type & { intrinsicName?: string }).intrinsicName === 'true';
}

function isFunction(type: ts.Type): boolean {
  return type.getCallSignatures().length > 0 && type.getProperties().length === 0;
}
