import { describe, expect, it } from 'vitest';
import { extractPageInfo, HTML_SCAN_LIMIT, parseAttributes } from './html.js';

describe('extractPageInfo', () => {
  it('takes the title from <title>, the description from <meta name=description>', () => {
    const html = `<!doctype html><html><head><meta charset="utf-8">
      <title>  Spanish &amp; You
      </title><meta name="Description" content="Learn &quot;hola&quot;"></head>
      <body><h1>Heading</h1><p>First paragraph</p></body></html>`;
    expect(extractPageInfo(html)).toEqual({ title: 'Spanish & You', description: 'Learn "hola"' });
  });

  it('falls back to <h1>, then <meta name=title>, then "Web Content"', () => {
    expect(extractPageInfo('<meta name="title" content="Meta"><h1>The <em>big</em> one</h1>').title).toBe(
      'The big one',
    );
    expect(extractPageInfo('<title> </title><meta name=title content=Meta>').title).toBe('Meta');
    expect(extractPageInfo('plain text, no markup')).toEqual({ title: 'Web Content' });
  });

  it('falls back to the first non-empty <p> for the description, cut to 200 characters', () => {
    const long = 'word '.repeat(100);
    const info = extractPageInfo(`<p></p><p class="lead">${long}</p><p>second</p>`);
    expect(info.description).toBe(long.slice(0, 200).trim());
    expect(extractPageInfo('<p>Hola <b>amigo</b>, &#191;qu&eacute; tal?<p>next').description).toBe(
      'Hola amigo, ¿qué tal?',
    );
    expect(extractPageInfo('<p>&Eacute;cole&#x2F;&NoSuch;<br>deux&#0;</p>').description).toBe(
      'École/&NoSuch; deux',
    );
  });

  it('never takes text from scripts, styles or comments', () => {
    const html = `<title>Real</title><p><!-- <p>hidden</p> -->Shown<script>var p = "<p>not this</p>";</script>
      <style>p { color: red }</style> too</p>`;
    expect(extractPageInfo(html)).toEqual({ title: 'Real', description: 'Shown too' });
    expect(extractPageInfo('<script><title>fake</title></script><h1>Real</h1>').title).toBe('Real');
  });

  it('reads attributes in any quoting, with ">" inside quoted values', () => {
    const info = extractPageInfo(`<meta content='a > b' name="description"><title>T</title>`);
    expect(info).toEqual({ title: 'T', description: 'a > b' });
  });

  it('looks at the first HTML_SCAN_LIMIT characters only', () => {
    const info = extractPageInfo(`${' '.repeat(HTML_SCAN_LIMIT)}<title>Too late</title>`);
    expect(info.title).toBe('Web Content');
  });

  it.each([
    ['unclosed tags', '<a'.repeat(60_000)],
    ['unclosed quotes', '<a href="'.repeat(20_000)],
    ['unclosed comments', '<!--'.repeat(50_000)],
    ['nested paragraphs', '<p><b>'.repeat(30_000)],
    ['attribute soup', `<meta ${'a=b '.repeat(50_000)}>`],
    ['entity soup', `<title>${'&amp'.repeat(50_000)}</title>`],
    ['unclosed script', `<script>${'<'.repeat(100_000)}`],
  ])('stays fast on crafted input: %s', (_name, html) => {
    const started = performance.now();
    extractPageInfo(html);
    // Linear work on at most 100 000 characters takes milliseconds; a quadratic scan would take minutes.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('parseAttributes', () => {
  it('reads quoted, unquoted and bare attributes; the first of a name wins', () => {
    expect(Object.fromEntries(parseAttributes(` name="a b" content='c' flag data=x name=second /`))).toEqual({
      name: 'a b',
      content: 'c',
      flag: '',
      data: 'x',
    });
    expect(Object.fromEntries(parseAttributes(' a = "unterminated'))).toEqual({ a: 'unterminated' });
  });
});
