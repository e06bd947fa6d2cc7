import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUser, type TestUser } from '../../test/factories.js';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '../../test/fake-provider.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall } from '../../test/trpc-call.js';
import { RATE_LIMIT_POLICIES } from '../lib/rate-limit/policies.js';
import { appRouter } from './router.js';

/**
 * Values at and just past every bound of every procedure's input, sent over HTTP one field at a time on
 * top of an input that passes validation: each answer is the normal one or a 4xx, never a 5xx. Values
 * inside the bounds reach the services and the database, which is where a bound that disagrees with a
 * column's constraint (or a service that cannot take an edge value) would answer 500.
 */

type JsonSchema = { [keyword: string]: unknown };
type Procedure = { _def: { inputs: unknown[]; type: 'query' | 'mutation' | 'subscription' } };

let t: TestApp;
let fake: FakeProvider;
let user: TestUser;

/**
 * One answer valid for every AI procedure (each reads only its own fields): a lesson as `lessons.generate`
 * asks for one, with the items its prompt asks for, a tutor reply, a translation and starters.
 */
function validAnswer(request: RecordedRequest): string {
  const messages = request.json?.messages as { content: string }[];
  let itemCount = 3;
  try {
    itemCount = (JSON.parse(messages[1]?.content ?? '{}') as { itemCount?: number }).itemCount ?? 3;
  } catch {
    // Not the lesson generator's prompt.
  }
  return JSON.stringify({
    type: 'vocabulary',
    title: 'Boundary lesson',
    description: 'Generated for the boundary test',
    icon: '🧪',
    instructions: 'Learn each word.',
    items: Array.from({ length: itemCount }, (_, i) => ({
      type: 'word',
      value: `w${i}`,
      translation: `t${i}`,
    })),
    reply: '¡Hola!',
    corrections: [],
    translation: 'hola',
    starters: ['¿Qué tal?', '¿De dónde eres?', '¿Qué haces hoy?'],
  });
}
let admin: TestUser;

beforeAll(async () => {
  // Budgets out of the way: every request must reach its procedure.
  const unlimited = Object.fromEntries(
    RATE_LIMIT_POLICIES.map((policy) => [policy.name, { points: 1_000_000 }]),
  );
  // AI procedures reach their services (and the database) through a provider that answers valid output.
  fake = await startFakeProvider({ keepRequests: false });
  fake.reply = validAnswer;
  t = await createTestApp({
    env: { ACCESS_LOG: 'off', AI_BASE_URL: fake.url },
    rateLimits: { policies: unlimited },
  });
  user = await createUser(t);
  admin = await createUser(t, { role: 'admin' });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

/** Candidate values for one property: inside its bounds first (the first valid one is its baseline). */
function candidates(node: JsonSchema): unknown[] {
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).flatMap(candidates);
  if ('const' in node) return [node.const];
  if (Array.isArray(node.enum)) return [...(node.enum as unknown[]), 'not-a-member'];
  const type = Array.isArray(node.type) ? (node.type as string[])[0] : (node.type as string | undefined);
  switch (type) {
    case 'string':
      return strings(node);
    case 'integer':
    case 'number':
      return numbers(node, type === 'integer');
    case 'boolean':
      return [true, false];
    case 'array': {
      const item = candidates((node.items as JsonSchema | undefined) ?? {})[0] ?? 'x';
      const most = typeof node.maxItems === 'number' ? node.maxItems : 3;
      return [[], [item], Array(most).fill(item), Array(most + 1).fill(item)];
    }
    case 'object':
      return [objectFrom(node)];
    default:
      return [null];
  }
}

/** Values of the formats the inputs use, tried before generic text so that baselines can be valid. */
const EXAMPLES = [
  'boundary@example.com',
  'Zebra-Crossing-2049',
  'DELETE',
  '123456',
  '23:59',
  'es',
  'Europe/Paris',
  '3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10',
  'https://cdn.example.com/a.png',
];

function strings(node: JsonSchema): unknown[] {
  const max = typeof node.maxLength === 'number' ? node.maxLength : 64;
  const min = typeof node.minLength === 'number' ? node.minLength : 0;
  const examples = EXAMPLES.filter((value) => value.length <= max);
  switch (node.format) {
    case 'email':
      return ['boundary@example.com', `${'a'.repeat(64)}@${'b'.repeat(max - 69)}.com`, 'not-an-email'];
    case 'uuid':
      return ['3f1b8a0e-9c7d-4e2a-8b1f-6d5c4b3a2f10', 'not-a-uuid'];
    case 'uri':
      return ['https://cdn.example.com/a.png', `https://cdn.example.com/${'a'.repeat(max - 28)}.png`, 'nope'];
    case 'date-time':
      return ['2026-11-30T12:00:00.000Z', '9999-12-31T23:59:59.999Z', 'yesterday'];
  }
  if (typeof node.pattern === 'string') {
    const pattern = new RegExp(node.pattern);
    return [...[...examples, 'pt-BR'].filter((value) => pattern.test(value)), 'x'.repeat(max + 1)];
  }
  const fill = (length: number, unit = 'x') => unit.repeat(length);
  return [
    ...examples,
    fill(Math.max(min, 1)),
    fill(max),
    fill(max, 'é'),
    fill(max - 1, '😀').slice(0, max),
    `  ${fill(Math.max(min, 1))}  `,
    fill(max + 1),
    fill(Math.max(min - 1, 0)),
  ];
}

function numbers(node: JsonSchema, integer: boolean): unknown[] {
  const min =
    typeof node.minimum === 'number'
      ? node.minimum
      : typeof node.exclusiveMinimum === 'number'
        ? node.exclusiveMinimum + 1
        : undefined;
  const max = typeof node.maximum === 'number' ? node.maximum : undefined;
  const inside = [min ?? 0, max ?? 1, 1];
  return [...inside, (max ?? 2 ** 31 - 1) + 1, (min ?? -(2 ** 31)) - 1, 2 ** 53, integer ? 1.5 : 0.1, -1];
}

/**
 * An object of the required properties, each taking its first candidate that the property's schema
 * accepts. Optional ones are left out, so that each case changes one field of an otherwise plain input.
 */
function objectFrom(
  node: JsonSchema,
  accepts?: (key: string, value: unknown) => boolean,
): Record<string, unknown> {
  const properties = (node.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((node.required as string[] | undefined) ?? []);
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([key]) => required.has(key))
      .map(([key, property]) => {
        const options = candidates(property);
        return [key, options.find((value) => accepts?.(key, value) ?? true) ?? options[0]];
      }),
  );
}

interface Case {
  path: string;
  type: 'query' | 'mutation';
  input: Record<string, unknown>;
  what: string;
}

function casesOf(path: string, procedure: Procedure): Case[] {
  const schema = procedure._def.inputs.find((input): input is z.ZodType => input instanceof z.ZodType);
  if (!schema || procedure._def.type === 'subscription') return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  if (json.type !== 'object') return [];
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const accepts = (key: string, value: unknown) => shape[key]?.safeParse(value).success ?? true;
  const baseline = objectFrom(json, accepts);
  const type = procedure._def.type;
  const properties = Object.entries((json.properties as Record<string, JsonSchema> | undefined) ?? {});
  return [
    { path, type, input: baseline, what: 'baseline' },
    ...properties.flatMap(([key, property]) =>
      candidates(property).map((value, index) => ({
        path,
        type,
        input: { ...baseline, [key]: value },
        what: `${key}#${index}`,
      })),
    ),
  ];
}

async function send(call: Case): Promise<number> {
  const caller = call.path.startsWith('admin.') ? admin : user;
  const answer = await trpcCall(t, call.path, call.input, {
    type: call.type,
    headers: { authorization: caller.authorization },
  });
  return answer.status;
}

describe('inputs at their bounds', () => {
  it('never answer 5xx, and many reach the procedure', async () => {
    // Account-ending procedures last, so the rest run signed in.
    const last = new Set(['auth.logoutAll', 'auth.logout', 'auth.signout', 'auth.deleteAccount']);
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>).sort(
      ([a], [b]) => Number(last.has(a)) - Number(last.has(b)),
    );
    const cases = procedures.flatMap(([path, procedure]) => casesOf(path, procedure));
    expect(cases.length).toBeGreaterThan(300);
    const faults: string[] = [];
    let accepted = 0;
    for (const call of cases) {
      const status = await send(call);
      if (status >= 500)
        faults.push(`${call.path} ${call.what} → ${status}: ${JSON.stringify(call.input).slice(0, 200)}`);
      if (status < 300) accepted++;
    }
    expect(faults).toEqual([]);
    expect(accepted).toBeGreaterThan(cases.length / 5);
    // About a thousand requests one after another: minutes on a loaded two-core machine.
  }, 300_000);
});
