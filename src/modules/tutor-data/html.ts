/**
 * Title and description of a web page, for the TutorData synthesised from HTML or text. A single forward
 * scan over at most the first HTML_SCAN_LIMIT characters: each character is looked at a bounded number of
 * times whatever the markup (unclosed tags, quotes and comments included), so a crafted page cannot make
 * it slow. No backtracking regular expression ever sees the page.
 */

/** Titles and descriptions live near the top; a page's tail cannot change them. */
export const HTML_SCAN_LIMIT = 100_000;
const DESCRIPTION_LENGTH = 200;
/** Text kept from an h1 or p while it is open; longer ones are cut. */
const CAPTURE_LIMIT = 2_000;

export interface PageInfo {
  title: string;
  description?: string;
}

interface Found {
  title?: string;
  h1?: string;
  metaTitle?: string;
  metaDescription?: string;
  paragraph?: string;
}

/**
 * `title` from `<title>`, else the first `<h1>`, else `<meta name="title">`, else 'Web Content';
 * `description` from `<meta name="description">`, else the first `<p>` (200 characters). api-contract §3.12.
 */
export function extractPageInfo(page: string): PageInfo {
  const found = scan(page.slice(0, HTML_SCAN_LIMIT));
  const title = found.title || found.h1 || found.metaTitle || 'Web Content';
  const description = found.metaDescription || found.paragraph?.slice(0, DESCRIPTION_LENGTH).trim();
  return description ? { title, description } : { title };
}

function scan(html: string): Found {
  const lower = html.toLowerCase();
  const found: Found = {};
  let capture: { tag: 'h1' | 'p'; text: string; from: number } | null = null;
  const finishCapture = (until: number) => {
    if (!capture) return;
    const text = clean(
      capture.text + bounded(html, capture.from, until, CAPTURE_LIMIT - capture.text.length),
    );
    if (capture.tag === 'h1') found.h1 ??= text || undefined;
    else found.paragraph ??= text || undefined;
    capture = null;
  };

  let index = 0;
  while (index < html.length) {
    const open = html.indexOf('<', index);
    if (open === -1) break;
    if (lower.startsWith('<!--', open)) {
      const close = lower.indexOf('-->', open + 4);
      if (capture) capture.text += bounded(html, capture.from, open, CAPTURE_LIMIT - capture.text.length);
      index = close === -1 ? html.length : close + 3;
      if (capture) capture.from = index;
      continue;
    }
    const closing = html[open + 1] === '/';
    const nameStart = open + (closing ? 2 : 1);
    let nameEnd = nameStart;
    while (nameEnd < html.length && isNameChar(lower.charCodeAt(nameEnd))) nameEnd++;
    if (nameEnd === nameStart) {
      index = open + 1;
      continue;
    }
    const tagEnd = endOfTag(html, nameEnd);
    if (tagEnd === -1) break;
    const name = lower.slice(nameStart, nameEnd);
    index = tagEnd + 1;

    if (capture) {
      const ends = closing ? name === capture.tag : name === 'p' || name === 'h1';
      if (ends) finishCapture(open);
      else {
        const separator = INLINE_TAGS.has(name) ? '' : ' ';
        capture.text += `${bounded(html, capture.from, open, CAPTURE_LIMIT - capture.text.length)}${separator}`;
        capture.from = index;
      }
    }
    if (closing) continue;

    if (name === 'title' || name === 'script' || name === 'style' || name === 'textarea') {
      // Raw text: everything up to the closing tag is text, never markup.
      const close = lower.indexOf(`</${name}`, index);
      const end = close === -1 ? html.length : close;
      if (name === 'title') found.title ??= clean(bounded(html, index, end, CAPTURE_LIMIT)) || undefined;
      index = end;
      if (capture) capture.from = index;
    } else if (name === 'meta') {
      readMeta(parseAttributes(html.slice(nameEnd, tagEnd)), found);
    } else if ((name === 'h1' && found.h1 === undefined) || (name === 'p' && found.paragraph === undefined)) {
      capture = { tag: name, text: '', from: index };
    }
    if (found.title && found.metaDescription) break;
  }
  finishCapture(html.length);
  return found;
}

function readMeta(attributes: Map<string, string>, found: Found): void {
  const name = attributes.get('name')?.toLowerCase();
  const content = clean(attributes.get('content') ?? '');
  if (!content) return;
  if (name === 'description') found.metaDescription ??= content;
  else if (name === 'title') found.metaTitle ??= content;
}

/** Index of the `>` that ends a tag whose name ends at `from`, skipping quoted attribute values; -1 if none. */
function endOfTag(html: string, from: number): number {
  let quote: string | null = null;
  for (let index = from; index < html.length; index++) {
    const char = html[index];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return index;
  }
  return -1;
}

/** `name="value" name='value' name=value flag`, one pass; the first of a repeated name wins. */
export function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let index = 0;
  const skipSpace = () => {
    while (index < source.length && /[\s/]/.test(source[index]!)) index++;
  };
  while (index < source.length) {
    skipSpace();
    const nameStart = index;
    while (index < source.length && !/[\s=/>]/.test(source[index]!)) index++;
    const name = source.slice(nameStart, index).toLowerCase();
    if (name === '') {
      index++;
      continue;
    }
    while (index < source.length && /\s/.test(source[index]!)) index++;
    let value = '';
    if (source[index] === '=') {
      index++;
      while (index < source.length && /\s/.test(source[index]!)) index++;
      const quote = source[index];
      if (quote === '"' || quote === "'") {
        const close = source.indexOf(quote, index + 1);
        const end = close === -1 ? source.length : close;
        value = source.slice(index + 1, end);
        index = end + 1;
      } else {
        const valueStart = index;
        while (index < source.length && !/\s/.test(source[index]!)) index++;
        value = source.slice(valueStart, index);
      }
    }
    if (!attributes.has(name)) attributes.set(name, value);
  }
  return attributes;
}

/** The entities pages in the languages the app teaches use most; `Eacute` is the upper case of `eacute`. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  iacute: 'í',
  icirc: 'î',
  iuml: 'ï',
  oacute: 'ó',
  ocirc: 'ô',
  ouml: 'ö',
  uacute: 'ú',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  ntilde: 'ñ',
  ccedil: 'ç',
  szlig: 'ß',
  iexcl: '¡',
  iquest: '¿',
  laquo: '«',
  raquo: '»',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

/** Tags inside a run of text: they separate no words, so no space stands in for them. */
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'cite',
  'code',
  'em',
  'i',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'u',
]);

/** Entities decoded, whitespace collapsed, trimmed. */
function clean(text: string): string {
  return text
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (entity, body: string) => {
      if (body[0] !== '#') {
        const decoded = NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()]?.toUpperCase();
        return decoded ?? entity;
      }
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : '';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** `html[from, to)`, at most `room` characters of it. */
function bounded(html: string, from: number, to: number, room: number): string {
  return room > 0 ? html.slice(from, Math.min(to, from + room)) : '';
}

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}
