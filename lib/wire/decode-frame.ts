// The one place where peer input enters the host: every frame a peer sends goes
// through decodeFrame before anything else looks at it. See docs/protocol.md.

import type { z } from 'zod';
import {
  MAX_FRAME_BYTES,
  WIRE_VERSION,
  type DecodeFailure,
  type DecodeResult,
} from './wire-message.ts';
import { wireMessageSchema } from './wire-schema.ts';

/** Longest `detail` of a failure: enough to log the cause, never the payload. */
export const MAX_DETAIL_LENGTH = 200;

/** How many schema issues a detail lists before it says "n more". */
const MAX_ISSUES_LISTED = 3;

const encoder = new TextEncoder();

/**
 * Decodes one frame received from a peer into a validated {@link WireMessage}.
 *
 * Checks, in order: text (`not-text`), size in UTF-8 bytes before any parsing
 * (`oversized`), JSON (`malformed-json`), `v` (`wrong-version`), schema (`invalid`).
 * Never throws. On success `message` is a fresh object built by the schema, so it
 * carries no prototype tricks or fields beyond the contract's.
 */
export function decodeFrame(data: unknown): DecodeResult {
  // PeerJS's 'raw' serialization hands over text frames as strings and binary
  // frames as ArrayBuffer or Blob; protocol version 1 is text only.
  if (typeof data !== 'string') return failure('not-text', describeNonText(data));

  const bytes = utf8LengthOver(data, MAX_FRAME_BYTES);
  if (bytes !== null) {
    return failure('oversized', `at least ${bytes} bytes, limit ${MAX_FRAME_BYTES}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    // The SyntaxError's message quotes the input, so it is not passed on.
    return failure('malformed-json', `not valid JSON (${data.length} characters)`);
  }

  if (isPlainObject(parsed)) {
    // Own property only: nothing inherited (say, a polluted Object.prototype) counts.
    const version = Object.hasOwn(parsed, 'v') ? parsed.v : undefined;
    if (version !== WIRE_VERSION) return failure('wrong-version', describeVersion(version));
  }

  const result = wireMessageSchema.safeParse(parsed);
  if (!result.success) return failure('invalid', summarizeIssues(result.error.issues));
  return { ok: true, message: result.data };
}

function failure(reason: DecodeFailure, detail: string): DecodeResult {
  return { ok: false, reason, detail: clip(detail, MAX_DETAIL_LENGTH) };
}

/**
 * Null if `text` fits in `limit` UTF-8 bytes, else a lower bound of its size. Each
 * UTF-16 code unit takes 1 to 3 bytes, so the length alone settles most frames,
 * a 1 MB one included, without encoding anything.
 */
function utf8LengthOver(text: string, limit: number): number | null {
  if (text.length > limit) return text.length;
  if (text.length * 3 <= limit) return null;
  const bytes = encoder.encode(text).byteLength;
  return bytes > limit ? bytes : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeNonText(data: unknown): string {
  if (data === null) return 'got null';
  if (typeof data !== 'object') return `got ${typeof data}`;
  try {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return 'got binary data';
    if (typeof Blob !== 'undefined' && data instanceof Blob) return 'got a Blob';
  } catch {
    // instanceof runs a Proxy's traps, which may throw; the kind is only for the log.
  }
  return 'got an object';
}

function describeVersion(version: unknown): string {
  if (version === undefined) return 'no "v" field';
  if (typeof version === 'string') return `v is ${quote(version, 16)}`;
  if (typeof version === 'number' || typeof version === 'boolean' || version === null) {
    return `v is ${String(version)}`;
  }
  return `v is ${Array.isArray(version) ? 'an array' : 'an object'}`;
}

function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_ISSUES_LISTED).map(describeIssue);
  const rest = issues.length - listed.length;
  return rest > 0 ? `${listed.join('; ')}; ${rest} more` : listed.join('; ');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    // The keys are the peer's own text: quote (escaping control characters) and clip.
    const keys = issue.keys.slice(0, MAX_ISSUES_LISTED).map((key) => quote(key, 24));
    const more = issue.keys.length > keys.length ? ', …' : '';
    return `${where}unknown field${issue.keys.length === 1 ? '' : 's'} ${keys.join(', ')}${more}`;
  }
  // Zod's own messages name what was expected, not the value received.
  return `${where}${issue.message}`;
}

/** A JSON-quoted prefix of `text`: control characters escaped, at most `max` of them. */
function quote(text: string, max: number): string {
  return JSON.stringify(clip(text, max));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
