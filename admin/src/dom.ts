import { type ApiFailure, failureOf } from './api.js';

/** A child of `h`: nodes and text; null, undefined and false render nothing; arrays are flattened. */
export type Child = Node | string | number | null | undefined | false | Child[];

type Props = Record<string, string | number | boolean | EventListener | null | undefined>;

/**
 * The console's whole view layer: creates an element with attributes (`true` sets an empty one, false or
 * null leaves it out), `on<event>` listeners and children. Never a `style` attribute: the page's CSP
 * forbids inline styles, so every look is a class in styles.css.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
    else if (name === 'checked' && element instanceof HTMLInputElement) element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An alert with what the API said: its error code, message and request id (to find the request's logs). */
export function errorBox(error: unknown): HTMLElement {
  const failure: ApiFailure = failureOf(error);
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-error-code': failure.code, 'data-request-id': failure.requestId },
    h('strong', null, failure.code),
    ` ${failure.message}`,
    h('div', { class: 'muted' }, `request id: ${failure.requestId ?? 'none'}`),
  );
}

/** A table with a header row; each row is a list of cells (already formatted). */
export function table(headers: string[], rows: Child[][], props: Props | null = null): HTMLTableElement {
  return h(
    'table',
    props,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((header) => h('th', { scope: 'col' }, header)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          null,
          row.map((cell) => h('td', null, cell)),
        ),
      ),
    ),
  );
}

/** A date-time as the console shows it: ISO 8601 in UTC, to the second. */
export const formatTime = (value: Date | string | null | undefined): string =>
  value ? `${new Date(value).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';

/** A form's named fields as strings (trimmed). */
export function fieldsOf(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') fields[name] = value.trim();
  return fields;
}
