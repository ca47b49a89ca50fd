import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The file of issued tokens (PARLEY_TOKENS_FILE) holds one line per token:
 *
 *     <SHA-256 of the token, 64 hex digits> <label>
 *
 * Blank lines and lines starting with `#` are ignored. Only digests are stored, so a copy
 * of the file (a backup, a `cat` over someone's shoulder) lets nobody in. Revoking a token
 * is deleting its line; `issue-token.ts` appends new ones.
 */
export interface IssuedTokens {
  /** Label of each token, by the hex SHA-256 of the token. */
  readonly labels: ReadonlyMap<string, string>;
}

/** Thrown when the tokens file cannot be used; the message says what to fix, never a token. */
export class TokenFileError extends Error {
  constructor(message: string) {
    super(`PARLEY_TOKENS_FILE: ${message}`);
    this.name = 'TokenFileError';
  }
}

const LINE_PATTERN = /^([0-9a-f]{64})\s+(\S.{0,63})$/;
/** Labels end up in the file and in log lines: printable, one line, at most 64 characters. */
export const LABEL_PATTERN = /^[^\p{Cc}\s][^\p{Cc}]{0,63}$/u;

/** The hex SHA-256 of a token or key, as the tokens file stores it. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Reads the tokens out of the file's text.
 * @throws {TokenFileError} naming the bad line numbers (not their text, which might be a
 * token pasted by mistake), or when there is no token at all.
 */
export function parseTokenFile(text: string, path: string): IssuedTokens {
  const labels = new Map<string, string>();
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE_PATTERN.exec(line);
    const label = match?.[2]?.trim();
    if (!match?.[1] || !label || !LABEL_PATTERN.test(label)) badLines.push(index + 1);
    else labels.set(match[1], label);
  });
  if (badLines.length > 0) {
    throw new TokenFileError(
      `${path}, line ${badLines.join(', ')}: expected "<64 hex digits> <label>"; ` +
        'add tokens with `npm run -w signaling issue-token -- <label>`',
    );
  }
  if (labels.size === 0) {
    throw new TokenFileError(
      `${path} holds no tokens; issue one with \`npm run -w signaling issue-token -- <label>\``,
    );
  }
  return { labels };
}

/**
 * Reads and parses the tokens file.
 * @throws {TokenFileError} when it cannot be read or holds no usable tokens.
 */
export function loadTokenFile(path: string): IssuedTokens {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TokenFileError(`cannot read ${path} (${code})`);
  }
  return parseTokenFile(text, path);
}
