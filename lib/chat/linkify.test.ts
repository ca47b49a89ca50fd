import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.ts';

const link = (text: string, href = text) => ({ kind: 'link', text, href });
const text = (value: string) => ({ kind: 'text', text: value });

describe('linkify', () => {
  it('returns nothing for an empty message and one text run for plain text', () => {
    expect(linkify('')).toEqual([]);
    expect(linkify('hello there')).toEqual([text('hello there')]);
  });

  it('finds http and https links among text', () => {
    expect(linkify('see https://example.org/a?b=1#c and http://x.test/')).toEqual([
      text('see '),
      link('https://example.org/a?b=1#c'),
      text(' and '),
      link('http://x.test/'),
    ]);
  });

  it('normalizes the href but shows the link as written', () => {
    expect(linkify('HTTPS://Example.ORG')).toEqual([
      link('HTTPS://Example.ORG', 'https://example.org/'),
    ]);
  });

  it('stops at whitespace, including newlines', () => {
    expect(linkify('https://a.test/x\nnext')).toEqual([link('https://a.test/x'), text('\nnext')]);
  });

  it('leaves trailing punctuation out of the link', () => {
    for (const mark of ['.', ',', '!', '?', ':', ';', '...', '?!']) {
      expect(linkify(`go to https://a.test/x${mark}`)).toEqual([
        text('go to '),
        link('https://a.test/x'),
        text(mark),
      ]);
    }
  });

  it('drops an unbalanced closing parenthesis but keeps a balanced one', () => {
    expect(linkify('(see https://a.test/x)')).toEqual([
      text('(see '),
      link('https://a.test/x'),
      text(')'),
    ]);
    expect(linkify('https://en.wikipedia.org/wiki/Go_(game)')).toEqual([
      link('https://en.wikipedia.org/wiki/Go_(game)'),
    ]);
    expect(linkify('(https://en.wikipedia.org/wiki/Go_(game)).')).toEqual([
      text('('),
      link('https://en.wikipedia.org/wiki/Go_(game)'),
      text(').'),
    ]);
  });

  it('never links other schemes', () => {
    for (const message of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.org/',
      'mailto:someone@example.org',
      'chrome-extension://abc/popup.html',
    ]) {
      expect(linkify(message)).toEqual([text(message)]);
    }
  });

  it('keeps markup as text, linking only the http URL inside it', () => {
    expect(linkify('<a href="javascript:alert(1)">click</a>')).toEqual([
      text('<a href="javascript:alert(1)">click</a>'),
    ]);
    expect(linkify('<a href=javascript:alert(1)>x</a>')).toEqual([
      text('<a href=javascript:alert(1)>x</a>'),
    ]);
    expect(linkify('<a href="https://evil.test/">x</a>')).toEqual([
      text('<a href="'),
      link('https://evil.test/'),
      text('">x</a>'),
    ]);
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([text('<img src=x onerror=alert(1)>')]);
  });

  it('does not link a scheme inside a word, or a URL without a host', () => {
    expect(linkify('xhttps://a.test')).toEqual([text('xhttps://a.test')]);
    expect(linkify('http:// and https://')).toEqual([text('http:// and https://')]);
  });

  it('does not let an http URL smuggle in another scheme', () => {
    const [first] = linkify('https://a.test/?next=javascript:alert(1)');
    expect(first).toEqual(link('https://a.test/?next=javascript:alert(1)'));
  });

  it('always returns the whole message, and only http(s) hrefs', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'https://a.test/x',
        'http://b.test',
        'javascript:',
        'data:',
        '(',
        ')',
        '.',
        ' ',
        '\n',
        '<',
        '"',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const message = pieces.join('');
        const segments = linkify(message);
        expect(segments.map((segment) => segment.text).join('')).toBe(message);
        for (const segment of segments) {
          expect(segment.text).not.toBe('');
          if (segment.kind === 'link') expect(segment.href).toMatch(/^https?:\/\/[^/]/);
        }
      }),
    );
  });
});
