import superjson from 'superjson';
import { appRouter } from '../src/trpc/router.js';
import type { TestApp } from './harness.js';

/**
 * Where a call goes: a test app (in process, through `app.request` and the whole middleware stack) or the
 * base URL of a listening server (over a real socket, so client IPs and server limits are in play).
 */
export type TrpcTarget = TestApp | string;

export type TrpcProcedureType = 'query' | 'mutation';

/** One procedure's answer in a tRPC batch, as the wire carries it (superjson envelopes). */
export interface TrpcItem {
  result?: { data: { json: unknown; meta?: unknown } };
  error?: {
    json: {
      message: string;
      code: number;
      data: {
        code: string;
        httpStatus: number;
        errorCode: string;
        requestId: string | null;
        path?: string;
        [key: string]: unknown;
      };
    };
  };
}

export interface TrpcAnswer {
  /** The raw response, body unread, for status, headers and bodies read again. */
  response: Response;
  status: number;
  /** The body as text. */
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  body: unknown;
  /** Per call, in order; empty when the request was refused before tRPC answered it. */
  items: TrpcItem[];
  /** Per call, the result deserialised with superjson (Dates come back as Dates); undefined for an error. */
  results: unknown[];
  /**
   * Per call: `OK` or the error code (`data.errorCode`). A request refused before tRPC (body limit, batch
   * cap) answers with one plain `{ code, message, requestId }` envelope: then its code alone.
   */
  codes: string[];
}

export interface TrpcCallOptions {
  /**
   * GET (query, input in the URL) or POST (mutation, input in the body). By default the router's own type
   * of the procedures; unknown paths are sent as queries.
   */
  type?: TrpcProcedureType;
  headers?: Record<string, string>;
  /**
   * The inputs are JSON text, put verbatim into their `{"json": …}` envelopes instead of serialised, so
   * hostile input arrives exactly as written (`__proto__` stays an own key, duplicate keys stay).
   */
  rawInput?: boolean;
  /**
   * The whole batch text, sent verbatim as the POST body or the `input` parameter, in place of the
   * envelopes built from the inputs: for malformed JSON, non-JSON bodies and hand-written superjson meta.
   */
  rawBatch?: string;
}

type Call = readonly [path: string, input: unknown];

/**
 * Calls procedures the way the app's `httpBatchLink` does: `/api/trpc/a,b?batch=1`, superjson `{json}`
 * envelopes keyed by position, GET with `input=` for queries and POST with a JSON body for mutations.
 * Either one call (`path`, `input`) or a batch of `[path, input]` pairs; a batch mixing queries and
 * mutations is a mistake in the test and throws.
 */
export function trpcCall(
  target: TrpcTarget,
  path: string,
  input?: unknown,
  options?: TrpcCallOptions,
): Promise<TrpcAnswer>;
export function trpcCall(
  target: TrpcTarget,
  calls: readonly Call[],
  options?: TrpcCallOptions,
): Promise<TrpcAnswer>;
export async function trpcCall(
  target: TrpcTarget,
  pathOrCalls: string | readonly Call[],
  inputOrOptions?: unknown,
  maybeOptions?: TrpcCallOptions,
): Promise<TrpcAnswer> {
  const single = typeof pathOrCalls === 'string';
  const calls: readonly Call[] = single ? [[pathOrCalls, inputOrOptions]] : pathOrCalls;
  const options = (single ? maybeOptions : (inputOrOptions as TrpcCallOptions | undefined)) ?? {};
  const type = options.type ?? typeOf(calls.map(([path]) => path));

  const batch = options.rawBatch ?? batchText(calls, options.rawInput ?? false);
  const url = `/api/trpc/${calls.map(([path]) => path).join(',')}?batch=1`;
  const init: RequestInit =
    type === 'query'
      ? { method: 'GET', headers: { ...options.headers } }
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: batch,
        };
  const fullPath = type === 'query' ? `${url}&input=${encodeURIComponent(batch)}` : url;
  const response =
    typeof target === 'string'
      ? await fetch(`${target}${fullPath}`, init)
      : await target.request(fullPath, init);
  return answerOf(response);
}

function batchText(calls: readonly Call[], rawInput: boolean): string {
  if (!rawInput) {
    return JSON.stringify(
      Object.fromEntries(calls.map(([, input], index) => [index, superjson.serialize(input)])),
    );
  }
  const entries = calls.map(([path, input], index) => {
    if (typeof input !== 'string') throw new TypeError(`rawInput: the input of ${path} must be JSON text`);
    return `"${index}":{"json":${input}}`;
  });
  return `{${entries.join(',')}}`;
}

const procedureTypes = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: TrpcProcedureType | 'subscription' } } | undefined
>;

function typeOf(paths: string[]): TrpcProcedureType {
  const types = new Set(
    paths.map((path) =>
      Object.hasOwn(procedureTypes, path) && procedureTypes[path]?._def.type === 'mutation'
        ? 'mutation'
        : 'query',
    ),
  );
  if (types.size > 1) throw new Error(`a batch mixes queries and mutations: ${paths.join(',')}`);
  return types.values().next().value ?? 'query';
}

async function answerOf(response: Response): Promise<TrpcAnswer> {
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const items = Array.isArray(body) ? (body as TrpcItem[]) : [];
  const codes = Array.isArray(body)
    ? items.map((item) => item.error?.json.data.errorCode ?? 'OK')
    : [String((body as { code?: unknown } | undefined)?.code ?? `HTTP ${response.status}`)];
  const results = items.map((item) =>
    item.result
      ? superjson.deserialize(item.result.data as Parameters<typeof superjson.deserialize>[0])
      : undefined,
  );
  return { response, status: response.status, text, body, items, results, codes };
}
