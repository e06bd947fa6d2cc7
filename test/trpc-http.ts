/** One procedure's answer in a tRPC batch, as the wire carries it (superjson envelopes). */
export interface TrpcItem {
  result?: { data: { json: unknown } };
  error?: {
    json: { message: string; data: { errorCode: string; requestId: string | null; httpStatus: number } };
  };
}

export interface TrpcBatchAnswer {
  response: Response;
  items: TrpcItem[];
  /** Per call: `OK` or the error code. */
  codes: string[];
}

/**
 * POSTs a batch of mutations over real HTTP, the way the app's `httpBatchLink` does, and returns the raw
 * response (for headers and status) beside the parsed answers.
 */
export async function postBatch(
  base: string,
  calls: [path: string, input: unknown][],
  headers: Record<string, string> = {},
): Promise<TrpcBatchAnswer> {
  const paths = calls.map(([path]) => path).join(',');
  const body = Object.fromEntries(calls.map(([, input], index) => [index, { json: input }]));
  const response = await fetch(`${base}/api/trpc/${paths}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const items = (await response.json()) as TrpcItem[];
  return { response, items, codes: items.map((item) => item.error?.json.data.errorCode ?? 'OK') };
}
