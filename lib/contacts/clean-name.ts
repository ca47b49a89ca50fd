import { MAX_NAME_LENGTH } from './contact.ts';

// Control and format characters, except a zero-width joiner that follows an emoji.
const INVISIBLE = /(?<!\p{Extended_Pictographic}\ufe0f?)\u200d|(?!\u200d)[\p{Cc}\p{Cf}]/gu;

/**
 * A name as people are shown it, whoever typed it: one line, without control or
 * invisible formatting characters (which can reorder or hide text), the zero-width joiner
 * inside emoji sequences excepted, and at most MAX_NAME_LENGTH UTF-16 units — the unit the
 * wire protocol counts — without splitting a character in two.
 */
export function cleanName(name: unknown): string {
  if (typeof name !== 'string') return '';
  const clean = name.replace(INVISIBLE, '').trim();
  if (clean.length <= MAX_NAME_LENGTH) return clean;
  const cut = clean.slice(0, MAX_NAME_LENGTH);
  // A high surrogate at the end is half of a character that did not fit.
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
