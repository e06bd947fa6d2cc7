import type { z } from 'zod';
import { UpstreamProtocolError, upstreamErrorOf } from '../outbound/errors.js';

/** Where and as whom an OpenAI-compatible provider is called. The key is a secret: never logged. */
export interface Endpoint {
  /** Base URL up to and including the version, e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1`. */
  baseUrl: string;
  apiKey: string | undefined;
}

/** `base` + `path`, keeping the base's own path (`…/v1` + `chat/completions`). */
export function endpointUrl(endpoint: Endpoint, path: string): string {
  return `${endpoint.baseUrl.replace(/\/+$/, '')}/${path}`;
}

export function authHeaders(endpoint: Endpoint): Record<string, string> {
  return endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {};
}

/** POSTs and returns the 2xx response; any other status becomes an `UpstreamHttpError`. */
export async function post(
  endpoint: Endpoint,
  path: string,
  body: string | FormData,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(endpointUrl(endpoint, path), {
    method: 'POST',
    headers: { ...authHeaders(endpoint), ...headers },
    body,
    signal,
  });
  if (!response.ok) throw await upstreamErrorOf(response);
  return response;
}

/** The response's JSON checked against `schema`; anything else is an `UpstreamProtocolError`. */
export async function readJson<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    // A connection cut while reading is the network's doing, and worth another attempt.
    if (!(error instanceof SyntaxError)) throw error;
    throw new UpstreamProtocolError(`${what}: the answer is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UpstreamProtocolError(`${what}: unexpected answer shape`);
  return parsed.data;
}
