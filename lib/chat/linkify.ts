/** A run of a chat message: plain text, or a web link that is safe to render as `<a>`. */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A candidate starts at http:// or https:// and runs to whitespace or a character that
// cannot appear unescaped in a URL and usually ends one in prose or markup (<, >, ").
const CANDIDATE = /https?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = new Set(['.', ',', '!', '?', ':', ';', "'"]);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Drops what prose puts after a link: "see https://a.b/c." or "(https://a.b/c)". */
function trimTrailing(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url.at(-1) ?? '';
    const opener = CLOSERS[last];
    if (TRAILING_PUNCTUATION.has(last)) url = url.slice(0, -1);
    else if (opener && count(url, opener) < count(url, last)) url = url.slice(0, -1);
    else return url;
  }
}

/** The normalized href if `text` is an http(s) URL with a host, else `null`. */
function safeHref(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Splits a message into text and http(s) links. Only http and https ever become links:
 * `javascript:`, `data:` and markup stay text, so the caller renders every segment as a
 * text node and links as `<a href>` with the validated `href`.
 */
export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    const previous = segments.at(-1);
    if (previous?.kind === 'text') previous.text += value;
    else segments.push({ kind: 'text', text: value });
  };
  let cursor = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    // "xhttp://…" is not a link; a link starts a word.
    if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1] ?? '')) continue;
    const url = trimTrailing(match[0]);
    const href = safeHref(url);
    if (!href) continue;
    pushText(text.slice(cursor, start));
    segments.push({ kind: 'link', text: url, href });
    cursor = start + url.length;
  }
  pushText(text.slice(cursor));
  return segments;
}
