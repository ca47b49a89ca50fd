// Issues one per-user token: `npm run -w signaling issue-token -- <label>`, with
// PARLEY_TOKENS_FILE naming the tokens file (created if missing). Prints the token once and
// stores only its SHA-256, so the token cannot be shown again: issue a new one instead.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LABEL_PATTERN, loadTokenFile, tokenDigest, TokenFileError } from './token-file.ts';

const EXIT_USAGE = 2;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EXIT_USAGE);
}

const rawPath = process.env.PARLEY_TOKENS_FILE?.trim();
if (!rawPath) fail('Set PARLEY_TOKENS_FILE to the tokens file (an absolute path).');
const path = resolve(rawPath);

const label = process.argv.slice(2).join(' ').trim();
if (!LABEL_PATTERN.test(label)) {
  fail('Usage: issue-token <label>  (who the token is for; one line, at most 64 characters)');
}

// Refuse to add to a broken file, and keep labels unique so that revoking one is unambiguous.
if (existsSync(path)) {
  try {
    const { labels } = loadTokenFile(path);
    if ([...labels.values()].includes(label)) fail(`${path} already has a token for "${label}".`);
  } catch (error) {
    // A file with only comments is fine to add to; anything else must be fixed first.
    if (!(error instanceof TokenFileError) || !error.message.includes('holds no tokens')) {
      fail((error as Error).message);
    }
  }
}

// 24 random bytes: 192 bits, 32 characters from the set a PeerJS key may use.
const token = randomBytes(24).toString('base64url');
appendFileSync(path, `${tokenDigest(token)} ${label}\n`, { mode: 0o600 });

process.stdout.write(
  `${token}\n\nIssued to "${label}" in ${path}.\n` +
    "Give this token to them privately; they enter it as the key in Parley's options.\n" +
    'A running server accepts it after a SIGHUP (or a restart). It cannot be shown again.\n',
);
