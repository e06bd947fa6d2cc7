/** One GET of a tutor data document. */
export interface TutorFetchRequest {
  url: string;
  /** The caller's budget for the whole fetch, redirects and retries included; capped by configuration. */
  timeoutMs: number;
  /** Ends the fetch early (e.g. a batch running out of time). */
  signal?: AbortSignal;
}

/** A 2xx answer, read whole and within the size cap. */
export interface FetchedDocument {
  /** Where the body came from, after redirects. */
  url: string;
  status: number;
  /** The Content-Type header, '' when absent. */
  contentType: string;
  body: Buffer;
}

/**
 * Why a fetch failed. `refused`: the URL, its host, an address it resolves to or a redirect broke the
 * rules, and nothing was sent. `status`: the server answered non-2xx. `unavailable`: the host's circuit
 * is open after repeated failures.
 */
export type FetchFailureKind =
  | 'refused'
  | 'timeout'
  | 'network'
  | 'status'
  | 'too_large'
  | 'bad_response'
  | 'unavailable';

export interface FetchFailure {
  kind: FetchFailureKind;
  /** Safe to return to the caller: names a host or a code, never a full URL or a body. */
  message: string;
  /** The upstream status for `status`; 408 for `timeout`, 0 for `network` (api-contract §3.12). */
  status?: number;
}

export type FetchOutcome = { ok: true; document: FetchedDocument } | { ok: false; failure: FetchFailure };

/**
 * The port the tutorData module fetches through. `fetch` never rejects: every failure, a refused URL
 * included, is an outcome.
 */
export interface TutorDataSource {
  fetch(request: TutorFetchRequest): Promise<FetchOutcome>;
}
