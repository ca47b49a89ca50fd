/**
 * The longest name safeFileName returns, in UTF-8 bytes. File systems allow 255; the rest is
 * room for the " (1)" that conflictAction 'uniquify' adds and for the browsers' in-progress
 * suffixes (".crdownload", ".part").
 */
export const MAX_FILE_NAME_BYTES = 200;

/** The name given to a file when nothing of its offered name is left. */
export const FALLBACK_FILE_NAME = 'download';

// Appended to an extension that the Windows shell or a Linux desktop would act on, as Firefox
// itself does; both browsers refuse such names from downloads.download.
const DEFUSED_SUFFIX = '.download';

// What settle() may add to a name after it has been shortened: a '_' and DEFUSED_SUFFIX.
const SETTLING_ROOM = '_'.length + DEFUSED_SUFFIX.length;

// Tabs and line breaks part words, so they become spaces rather than vanish.
const LINE_BREAKS = /[\t-\r\x85\u2028\u2029]+/g;

// Firefox turns every other space separator but U+3000 into U+0020, and refuses a name that
// its sanitizer would change.
const ODD_SPACES = /(?![ \u3000])\p{Zs}/gu;

// Control, format (bidi overrides such as U+202E, zero-width characters, soft hyphens) and
// non-characters, which Chrome refuses anywhere in a name, and the Hangul fillers, which are
// letters that show as nothing.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Noncharacter_Code_Point}\u115f\u1160\u3164\uffa0]/gu;

const SEPARATORS = /[/\\]/;

// Forbidden by Windows (< > : " | ? *), rewritten by Firefox (%), and refused by Chrome (~:
// anywhere in older versions; in newer ones at either end, or where Windows could read the name
// as an 8.3 short alias such as PROGRA~1).
const FORBIDDEN = /[<>:"|?*%~]/g;

// Neither browser takes a name that starts or ends with a dot or a space, and Windows drops
// trailing ones.
const TRIMMED_AT_ENDS = /[\s.]/u;

// Shortcuts, DLL redirection, Internet shortcuts, Explorer commands, desktop entries, CLSIDs.
const SHELL_EXTENSION = /\.(?:lnk|local|url|scf|desktop|\{[^.]*\})$/i;

// Windows devices, with any extension and any case; Windows also ignores spaces before the dot.
const DEVICE_NAME = /^(?:con|prn|aux|nul|conin\$|conout\$|clock\$|(?:com|lpt)[0-9¹²³]) *(?:\.|$)/i;

// Files that the Windows shell reads to customise a folder; Chrome refuses them.
const SHELL_FILE = /^(?:desktop\.ini|thumbs\.db)$/i;

// The extension a shortened name keeps: the last one, or the last two as in .tar.gz.
const EXTENSION = /(?:\.[^.\s]{1,16}){1,2}$/u;

const encoder = new TextEncoder();

/**
 * A name that a file offered by a peer can be saved under with downloads.download, in Chrome
 * and Firefox, on Windows, macOS and Linux: its last path component, in NFC, without control,
 * format or other invisible characters, with characters that some system forbids replaced by
 * '_', no dot or space at either end, no Windows device name, no extension a shell acts on, and
 * at most MAX_FILE_NAME_BYTES UTF-8 bytes with its extension kept. Ordinary names pass
 * unchanged, and a safe name is its own safe name.
 */
export function safeFileName(offered: unknown): string {
  if (typeof offered !== 'string') return FALLBACK_FILE_NAME;
  const visible = offered
    .toWellFormed()
    .normalize('NFC')
    .replace(LINE_BREAKS, ' ')
    .replace(ODD_SPACES, ' ')
    .replace(INVISIBLE, '')
    // A removed character may have stood between a letter and its accent.
    .normalize('NFC');
  const name = settle(lastNamedPart(visible).replace(FORBIDDEN, '_'));
  if (utf8Length(name) <= MAX_FILE_NAME_BYTES) return name;
  return settle(shorten(name, MAX_FILE_NAME_BYTES - SETTLING_ROOM));
}

/** The last part of a path that is more than dots and spaces, as in `../../etc/passwd`. */
function lastNamedPart(path: string): string {
  return path.split(SEPARATORS).findLast((part) => /[^\s.]/u.test(part)) ?? '';
}

/** Fixes what a name's ends and extension say; run again after shortening, which moves them. */
function settle(name: string): string {
  const trimmed = trimEnds(name) || FALLBACK_FILE_NAME;
  return avoidWindowsNames(defuseExtension(keepWordsOutOfExtension(trimmed)));
}

// A loop rather than a regular expression, which would backtrack over long runs of spaces.
function trimEnds(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && TRIMMED_AT_ENDS.test(name.charAt(start))) start++;
  while (end > start && TRIMMED_AT_ENDS.test(name.charAt(end - 1))) end--;
  return name.slice(start, end);
}

/**
 * Firefox takes everything after the last dot for the extension and deletes the spaces in it,
 * so it refuses `Mr. Smith CV`. Words after a dot are no extension: turning the dots into '_'
 * keeps the words and spaces as they are.
 */
function keepWordsOutOfExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && /\s/u.test(name.slice(dot + 1)) ? name.replaceAll('.', '_') : name;
}

function defuseExtension(name: string): string {
  return SHELL_EXTENSION.test(name) ? name + DEFUSED_SUFFIX : name;
}

function avoidWindowsNames(name: string): string {
  return DEVICE_NAME.test(name) || SHELL_FILE.test(name) ? `_${name}` : name;
}

/** Cuts the name before its extension, at a code point, to fit maxBytes. */
function shorten(name: string, maxBytes: number): string {
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  let budget = maxBytes - utf8Length(extension);
  let stem = '';
  for (const char of name.slice(0, name.length - extension.length)) {
    budget -= utf8Length(char);
    if (budget < 0) break;
    stem += char;
  }
  // The cut may leave "report .pdf" or "report..pdf".
  return trimEnds(stem) + extension;
}

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
