import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { trpcCall, type TrpcAnswer as WireAnswer } from '../../test/trpc-call.js';

/**
 * Hostile input against every search, filter and free-text input, over HTTP through the whole stack.
 * Whatever arrives, the answer is a clean refusal (400) or the normal answer for that input, never a
 * fault (5xx), never rows the filter does not select, and never a polluted `Object.prototype`.
 */

let t: TestApp;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  // A high threshold: the login cases below are many failed attempts against one account.
  t = await createTestApp({ env: { LOGIN_LOCKOUT_THRESHOLD: '100' } });
  admin = await createUser(t, { role: 'admin' });
  alice = await createUser(t, { name: 'Alice Original' });
  bob = await createUser(t, { name: 'Bob Original' });
  // Audit rows of two users, so an admin filter that leaked would have rows to leak.
  for (const user of [alice, bob]) {
    const response = await call('auth.updateProfile', JSON.stringify({ bio: 'seed' }), user.authorization);
    expect(response.status).toBe(200);
  }
});
afterAll(() => t.close());

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);
afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_KEYS);
});

/** Strings that have broken query builders, parsers and terminals before. */
const HOSTILE_STRINGS: Record<string, string> = {
  'SQL tautology': "' OR 1=1 --",
  'SQL stacked statement': '"; DROP TABLE users; --',
  'SQL comment and quote': "x'/**/UNION/**/SELECT/**/password_hash/**/FROM/**/users--",
  'backslash zero': '\\0',
  'null byte': 'a\u0000b',
  'LIKE wildcards': '%_%\\',
  'unicode control characters': 'a\u0001\u0007\u001b[31m\u007f\u0085\u2028\u202eb',
  'lone surrogate': 'a\ud800b',
  // Far beyond every maxLength, yet under the body limit, so the schema (not the limit) must refuse it.
  'very long string': 'x'.repeat(20_000),
};

/** Values that are not strings at all: operator objects, arrays, numbers. */
const HOSTILE_NON_STRINGS: Record<string, unknown> = {
  '$ne operator': { $ne: null },
  '$gt operator': { $gt: '' },
  '$where operator': { $where: 'sleep(1000)' },
  array: ["' OR 1=1 --"],
  number: 1,
};

/** Every hostile value, as the JSON text of the value. */
const HOSTILE_VALUES: [string, string][] = [
  ...Object.entries(HOSTILE_STRINGS).map(([name, value]): [string, string] => [name, JSON.stringify(value)]),
  ...Object.entries(HOSTILE_NON_STRINGS).map(([name, value]): [string, string] => [
    name,
    JSON.stringify(value),
  ]),
];

/** Own keys that have polluted prototypes in naive merges, sent as raw JSON so they stay own keys. */
const POLLUTION_KEYS =
  '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}';

interface TrpcAnswer {
  status: number;
  contentType: string | null;
  text: string;
  data: unknown;
  errorCode: string | undefined;
}

function answerOf(wire: WireAnswer): TrpcAnswer {
  if (wire.body === undefined) throw new Error(`not JSON (${wire.status}): ${wire.text.slice(0, 300)}`);
  const [item] = wire.items;
  return {
    status: wire.status,
    contentType: wire.response.headers.get('content-type'),
    text: wire.text,
    data: item?.result?.data.json,
    // Refused before tRPC (body limit, batch cap): the code of the plain error envelope.
    errorCode: item ? item.error?.json.data.errorCode : wire.codes[0],
  };
}

/**
 * `inputJson` sent verbatim as the batch input (not re-serialised, so keys stay as written); GET or POST as
 * the procedure is a query or a mutation.
 */
function call(path: string, inputJson: string, authorization?: string): Promise<WireAnswer> {
  return trpcCall(t, path, inputJson, { rawInput: true, headers: authorization ? { authorization } : {} });
}

/** A refusal or a normal answer: never a fault. `normal` lists the non-2xx statuses that are expected. */
function expectHandled(answer: TrpcAnswer, normal: number[] = []) {
  const allowed = answer.status === 400 || (answer.status >= 200 && answer.status < 300);
  expect(
    allowed || normal.includes(answer.status),
    `status ${answer.status}: ${answer.text.slice(0, 300)}`,
  ).toBe(true);
  expect(answer.contentType).toContain('application/json');
  if (answer.status === 400) expect(answer.errorCode).toMatch(/^(VALIDATION_ERROR|BAD_REQUEST)$/);
}

describe('lessons.getAll filters', () => {
  it.each(['language', 'type', 'difficulty'])(
    '%s: hostile values are refused or match nothing',
    async (field) => {
      for (const [name, value] of HOSTILE_VALUES) {
        const answer = answerOf(await call('lessons.getAll', `{"${field}":${value}}`));
        expectHandled(answer);
        if (answer.status === 200) {
          // The only lessons a filter may return are lessons with exactly that value.
          const sent = (JSON.parse(value) as string).trim();
          const lessons = answer.data as Record<string, unknown>[];
          expect(
            lessons.every((lesson) => lesson[field] === sent),
            `${field} = ${name} returned lessons that do not match`,
          ).toBe(true);
        }
      }
    },
  );

  it('ignores prototype-pollution keys at the top level and beside a real filter', async () => {
    const all = answerOf(await call('lessons.getAll', '{}'));
    const polluted = answerOf(await call('lessons.getAll', `{${POLLUTION_KEYS}}`));
    expectHandled(polluted);
    if (polluted.status === 200) expect(polluted.data).toEqual(all.data);
    const filtered = answerOf(await call('lessons.getAll', `{${POLLUTION_KEYS},"language":"es"}`));
    expectHandled(filtered);
    if (filtered.status === 200) {
      expect((filtered.data as { language: string }[]).every((lesson) => lesson.language === 'es')).toBe(
        true,
      );
    }
  });
});

describe('lessons.getById', () => {
  it('answers hostile ids with 400 or 404, never a lesson and never a fault', async () => {
    for (const [, value] of HOSTILE_VALUES) {
      const answer = answerOf(await call('lessons.getById', `{"id":${value}}`));
      expectHandled(answer, [404]);
      expect(answer.status).not.toBe(200);
    }
    const polluted = answerOf(await call('lessons.getById', `{${POLLUTION_KEYS},"id":"' OR 1=1 --"}`));
    expectHandled(polluted, [404]);
    expect(polluted.status).not.toBe(200);
  });
});

describe('admin.auditEvents filters', () => {
  const auditQuery = async (inputJson: string) =>
    answerOf(await call('admin.auditEvents', inputJson, admin.authorization));
  type Events = { events: { event: string; actorUserId: string | null; createdAt: string }[] };

  it('answers hostile event names with 400 or only events of that (nonexistent) name', async () => {
    for (const [name, value] of HOSTILE_VALUES) {
      for (const input of [`{"event":${value}}`, `{"actorUserId":"${alice.user.id}","event":${value}}`]) {
        const answer = await auditQuery(input);
        expectHandled(answer);
        if (answer.status === 200) {
          const sent = (JSON.parse(value) as string).trim();
          const { events } = answer.data as Events;
          expect(
            events.every((event) => event.event === sent),
            `event = ${name} returned other events`,
          ).toBe(true);
        }
      }
    }
  });

  it.each(['actorUserId', 'severity', 'from', 'to', 'cursor'])(
    '%s: hostile values are refused',
    async (field) => {
      for (const [name, value] of HOSTILE_VALUES) {
        const answer = await auditQuery(`{"actorUserId":"${alice.user.id}","${field}":${value}}`);
        expectHandled(answer);
        if (answer.status === 200) {
          const { events } = answer.data as Events;
          expect(
            events.every((event) => event.actorUserId === alice.user.id),
            `${field} = ${name} widened an actor filter`,
          ).toBe(true);
        }
      }
    },
  );

  it('refuses dates and cursors the database cannot compare, instead of failing', async () => {
    const uuidLike = '-'.repeat(36);
    const cursors = [
      `275760-09-13T00:00:00.000Z|${uuidLike}`,
      `+275760-09-13T00:00:00.000Z|${crypto.randomUUID()}`,
      `-271821-04-20T00:00:00.000Z|${crypto.randomUUID()}`,
      `2020-01-01T00:00:00.000Z|${uuidLike}`,
      `2020-01-01T00:00:00.000Z|${'f'.repeat(36)}`,
    ].map((raw) => Buffer.from(raw).toString('base64url'));
    const inputs = [
      '{"from":-8640000000000000}',
      '{"to":8640000000000000}',
      '{"from":"+275760-09-13T00:00:00.000Z"}',
      '{"to":"-271821-04-20T00:00:00.000Z"}',
      '{"from":[2020]}',
      '{"from":true}',
      ...cursors.map((cursor) => `{"cursor":"${cursor}"}`),
    ];
    for (const input of inputs) {
      const answer = await auditQuery(input);
      expect(answer.status, `${input}: ${answer.text.slice(0, 300)}`).toBe(400);
    }
  });

  it('keeps an actor filter when the input carries prototype-pollution keys', async () => {
    const answer = await auditQuery(`{${POLLUTION_KEYS},"actorUserId":"${alice.user.id}"}`);
    expectHandled(answer);
    expect(answer.status).toBe(200);
    const { events } = answer.data as Events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.actorUserId === alice.user.id)).toBe(true);
  });
});

describe('user.update', () => {
  type Profile = { id: string; email: string; name: string; learningGoals: string[] };
  const fields = ['name', 'email', 'nativeLanguage', 'selectedLanguage', 'timezone'];

  it.each(fields)('%s: hostile values are refused or stored verbatim for the caller only', async (field) => {
    for (const [name, value] of HOSTILE_VALUES) {
      const answer = answerOf(await call('user.update', `{"${field}":${value}}`, alice.authorization));
      expectHandled(answer);
      if (answer.status === 200) {
        const profile = answer.data as Profile & Record<string, unknown>;
        expect(profile.id).toBe(alice.user.id);
        expect(profile[field], `${field} = ${name}`).toBe((JSON.parse(value) as string).trim());
      }
    }
    const other = answerOf(await call('user.get', '{}', bob.authorization));
    expect((other.data as Profile).name).toBe('Bob Original');
  });

  it('refuses hostile list items and settings, or stores them verbatim', async () => {
    for (const [name, value] of HOSTILE_VALUES) {
      const goals = answerOf(await call('user.update', `{"learningGoals":[${value}]}`, alice.authorization));
      expectHandled(goals);
      if (goals.status === 200) {
        expect((goals.data as Profile).learningGoals, name).toEqual([(JSON.parse(value) as string).trim()]);
      }
      const settings = answerOf(
        await call('user.update', `{"settings":{"reminderTime":${value}}}`, alice.authorization),
      );
      expect(settings.status, name).toBe(400);
    }
  });

  it('drops prototype-pollution keys at the top level and in nested objects', async () => {
    const input = `{${POLLUTION_KEYS},"name":"Proto Test","settings":{${POLLUTION_KEYS},"darkMode":true}}`;
    const answer = answerOf(await call('user.update', input, alice.authorization));
    expectHandled(answer);
    if (answer.status === 200) {
      const profile = answer.data as Profile & { settings: Record<string, unknown> };
      expect(profile.name).toBe('Proto Test');
      expect(profile.settings.darkMode).toBe(true);
      expect(Object.hasOwn(profile, 'polluted')).toBe(false);
      expect(Object.hasOwn(profile.settings, 'polluted')).toBe(false);
    }
  });
});

describe('superjson envelopes', () => {
  it('refuses prototype paths in superjson metadata without a fault', async () => {
    const envelopes = [
      '{"0":{"json":{"name":"x"},"meta":{"referentialEqualities":{"name":["__proto__.polluted"]}}}}',
      '{"0":{"json":{"name":"x"},"meta":{"values":{"__proto__":["Date"]}}}}',
      '{"0":{"json":{"name":"x"},"meta":{"values":{"constructor.prototype.polluted":["undefined"]}}}}',
      '{"__proto__":{"json":{"name":"x"}},"0":{"json":{"name":"x"}}}',
    ];
    for (const body of envelopes) {
      const answer = await trpcCall(t, 'example.hi', undefined, { rawBatch: body });
      expect(answer.status, `${body}: ${answer.text}`).toBeLessThan(500);
    }
  });
});

describe('auth.login', () => {
  it('never signs anyone in with injected credentials', async () => {
    const statuses: number[] = [];
    const attempt = async (email: string, password: string) => {
      const answer = answerOf(await call('auth.login', `{"email":${email},"password":${password}}`));
      // 401 is the normal answer to wrong credentials; 429 when the login budgets run out.
      expectHandled(answer, [401, 429]);
      statuses.push(answer.status);
    };
    const emails = [
      ...HOSTILE_VALUES.map(([, value]) => value),
      JSON.stringify(`${alice.user.email}' --`),
      JSON.stringify(`${alice.user.email}\u0000`),
      JSON.stringify(`' OR email LIKE '%@example.com`),
    ];
    for (const email of emails) await attempt(email, '"Wrong-Pass-1"');
    for (const [, password] of HOSTILE_VALUES) await attempt(JSON.stringify(alice.user.email), password);
    expect(statuses).not.toContain(200);
    // Hostile passwords of the right type reached the password check and were refused there.
    expect(statuses).toContain(401);
  });
});

describe('user text is data, not markup', () => {
  it('returns script tags verbatim as JSON from auth.updateProfile and user.get', async () => {
    const user = await createUser(t);
    const displayName = '<script>alert(1)</script>';
    const bio = `<img src=x onerror="alert('x')"> & </textarea><svg onload=alert(1)>`;
    const response = await call(
      'auth.updateProfile',
      JSON.stringify({ displayName, bio }),
      user.authorization,
    );
    const answer = answerOf(response);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.data).toMatchObject({ displayName, bio });
    // Escaped only as JSON requires, not HTML-encoded (the API never renders HTML).
    expect(answer.text).toContain(JSON.stringify(displayName));

    const read = answerOf(await call('user.get', '{}', user.authorization));
    expect(read.contentType).toMatch(/^application\/json/);
    expect(read.data).toMatchObject({ displayName, bio });
  });
});
