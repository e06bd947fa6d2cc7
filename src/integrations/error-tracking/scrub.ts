import type { ErrorEvent, Exception } from '@sentry/node';
import { redactText } from '../../lib/redact.js';

/** Contexts an event keeps: its trace, the runtime, and the database facts the reporter adds. */
const KEPT_CONTEXTS = ['trace', 'runtime', 'database'];

/** `scheme://user:password@host`: the credentials part of a URL in a message (a connection string). */
const URL_CREDENTIALS = /\b([a-z][\w+.-]*:\/\/)[^\s/@]+@/gi;

/** What stands for a database message that may quote a value (a data exception's). */
export const WITHHELD_MESSAGE = 'data exception';

/**
 * An error message as an error report may carry it: drizzle's `params:` line (the query's values) cut
 * off, URL credentials, JWTs, Authorization values, `password=…`-style secrets, emails, phone and card
 * numbers replaced (lib/redact.ts, the client logs' redaction).
 */
export function scrubMessage(text: string): string {
  const withoutParams = text.split('\nparams: ')[0]!;
  return redactText(withoutParams.replace(URL_CREDENTIALS, '$1[REDACTED]@'));
}

/**
 * The event without anything that can hold a user's data: no request (URL, headers, cookies, body,
 * query), no user (not even our opaque id: the request id leads to the log lines that name the caller,
 * and an error tracker is no place for a per-user history), no breadcrumbs, no transaction name (it can
 * be a URL), no extra data (Sentry puts a thrown non-Error's fields there), only the contexts listed
 * above, and messages scrubbed (`scrubMessage`). Messages in `withheld` (a driver's data exception, which
 * quotes the offending value) are replaced whole. Stack frames stay: they hold file names, lines and
 * function names only, since neither source lines nor local variables are collected.
 */
export function scrubEvent(event: ErrorEvent, withheld: ReadonlySet<string> = new Set()): ErrorEvent {
  const {
    request: _request,
    user: _user,
    breadcrumbs: _breadcrumbs,
    extra: _extra,
    logentry: _logentry,
    transaction: _transaction,
    contexts,
    exception,
    message,
    ...rest
  } = event;
  const scrubbed: ErrorEvent = { ...rest };
  if (contexts)
    scrubbed.contexts = Object.fromEntries(
      Object.entries(contexts).filter(([name]) => KEPT_CONTEXTS.includes(name)),
    );
  if (exception)
    scrubbed.exception = { values: exception.values?.map((value) => scrubException(value, withheld)) };
  if (message !== undefined) scrubbed.message = scrubMessage(message);
  return scrubbed;
}

function scrubException(exception: Exception, withheld: ReadonlySet<string>): Exception {
  if (exception.value === undefined) return exception;
  const value = withheld.has(exception.value) ? WITHHELD_MESSAGE : scrubMessage(exception.value);
  return { ...exception, value };
}
