// Peer-to-peer wire protocol, version 1: the zod schemas for the types in
// ./wire-message.ts. Everything a peer sends passes through these (via decodeFrame)
// before the host looks at it. The specification is docs/protocol.md.

import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import type { WireMessage } from './wire-message.ts';
import { PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN } from '../identity/identity-keys.ts';

// Zod compiles object parsers with `new Function` unless told not to. Extension pages
// forbid eval, and the probe alone shows up as a CSP violation, so stay interpreted.
// Must run before the first schema below is built: zod reads it at construction.
z.config({ jitless: true });

/** Receipts are batched; this caps how many ids one frame may acknowledge. */
export const MAX_RECEIPT_IDS = 200;

/** Longest file name a file-offer may carry, in UTF-16 code units (saving cuts it further). */
export const MAX_FILE_NAME_LENGTH = 1024;

/**
 * The stream ids a file's data channel may use. Below 64 is left to PeerJS, whose own
 * channel takes an id the browser picks; Chromium's SCTP association has 1024 streams.
 * The peer with the smaller ID picks even ids, the other odd ones, so two transfers
 * accepted at once in opposite directions never pick the same.
 */
export const FIRST_FILE_CHANNEL = 64;
export const LAST_FILE_CHANNEL = 1023;

/**
 * 8-4-4-4-12 lower-case hex digits (as crypto.randomUUID makes them). Any version: the id
 * only has to be unique. One case only, because ids are compared exactly: a receipt that
 * echoed an id in another case would leave the message looking undelivered forever.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Any C0 or C1 control character (Unicode category Cc: U+0000–001F, U+007F–009F). */
const CONTROL_CHARACTER = /\p{Cc}/u;

const version = z.literal(1);

/**
 * A string of `min` to `max` UTF-16 code units: what `String.length` and a textarea's
 * maxlength count, and what the contract's limits mean. Zod's own `.max()` counts
 * code points, which would let 4000 emoji (8000 units) through.
 */
function codeUnits(min: number, max: number) {
  return z
    .string()
    .refine(
      (value) => value.length >= min && value.length <= max,
      `must be ${min} to ${max} UTF-16 code units long`,
    );
}

const name = codeUnits(0, MAX_NAME_LENGTH).refine(
  (value) => !CONTROL_CHARACTER.test(value),
  'must not contain control characters',
);

const messageId = z.string().regex(UUID_PATTERN, 'must be a UUID');

// z.int() accepts safe integers only (|n| ≤ 2^53 − 1), so it also rejects 1e400 (Infinity).
const seq = z.int().min(1);
const timestamp = z.int().min(0);

export const identitySchema = z.strictObject({
  v: version,
  type: z.literal('identity'),
  key: z.string().regex(PUBLIC_KEY_PATTERN, 'must be a P-256 public key, base64url'),
  signature: z.string().regex(SIGNATURE_PATTERN, 'must be a P-256 signature, base64url'),
});

export const contactRequestSchema = z.strictObject({
  v: version,
  type: z.literal('contact-request'),
  name,
});

export const contactAcceptSchema = z.strictObject({
  v: version,
  type: z.literal('contact-accept'),
  name,
});

export const chatSchema = z.strictObject({
  v: version,
  type: z.literal('chat'),
  id: messageId,
  seq,
  text: codeUnits(1, MAX_MESSAGE_LENGTH),
  sentAt: timestamp,
});

export const receiptSchema = z.strictObject({
  v: version,
  type: z.literal('receipt'),
  ids: z.array(messageId).min(1).max(MAX_RECEIPT_IDS),
  state: z.enum(['delivered', 'read']),
});

/**
 * A file's name as offered: any text, control characters included (the receiver cleans
 * it with safeFileName before showing or saving it), but bounded.
 */
const fileName = codeUnits(1, MAX_FILE_NAME_LENGTH);

/** A byte count or offset: a safe integer, so files up to 8 PiB. */
const byteCount = z.int().min(0);

export const fileOfferSchema = z.strictObject({
  v: version,
  type: z.literal('file-offer'),
  id: messageId,
  name: fileName,
  size: byteCount,
});

/** A SHA-256 digest as the wire carries it. */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

export const fileAcceptSchema = z.strictObject({
  v: version,
  type: z.literal('file-accept'),
  id: messageId,
  offset: byteCount,
  channel: z.int().min(FIRST_FILE_CHANNEL).max(LAST_FILE_CHANNEL),
  prefixSha256: sha256,
});

export const filePauseSchema = z.strictObject({
  v: version,
  type: z.literal('file-pause'),
  id: messageId,
});

export const fileDeclineSchema = z.strictObject({
  v: version,
  type: z.literal('file-decline'),
  id: messageId,
});

export const fileCancelSchema = z.strictObject({
  v: version,
  type: z.literal('file-cancel'),
  id: messageId,
  reason: z.enum(['cancelled', 'source-unreadable', 'no-space', 'hash-mismatch', 'failed']),
});

export const fileEndSchema = z.strictObject({
  v: version,
  type: z.literal('file-end'),
  id: messageId,
  sha256,
});

export const fileCompleteSchema = z.strictObject({
  v: version,
  type: z.literal('file-complete'),
  id: messageId,
});

/**
 * Longest SDP a call-signal may carry, in characters. SDP is limited to printable ASCII,
 * tab and line breaks below, which JSON escapes to at most 2 characters each, so even the
 * longest fits a frame with room for the envelope (a video offer is 4 to 10 KB).
 */
export const MAX_SDP_LENGTH = 15_000;
/** Longest ICE candidate line (an `a=candidate:` attribute is about 100 to 200). */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Longest media id (`a=mid:`) and ICE username fragment a candidate may name. */
export const MAX_SDP_MID_LENGTH = 64;
export const MAX_UFRAG_LENGTH = 256;

/** What SDP and candidates are made of; anything else (controls, non-ASCII) is refused. */
const SDP_TEXT = /^[\x20-\x7e\r\n\t]*$/;

function sdpText(max: number) {
  return codeUnits(0, max).refine((value) => SDP_TEXT.test(value), 'must be printable ASCII');
}

const callDescription = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: sdpText(MAX_SDP_LENGTH),
});

const callCandidate = z.strictObject({
  candidate: sdpText(MAX_CANDIDATE_LENGTH),
  sdpMid: sdpText(MAX_SDP_MID_LENGTH).nullable(),
  sdpMLineIndex: z.int().min(0).max(1023).nullable(),
  usernameFragment: sdpText(MAX_UFRAG_LENGTH).nullable(),
});

const callSignal = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('description'), description: callDescription }),
  z.strictObject({ kind: z.literal('candidate'), candidate: callCandidate.nullable() }),
]);

export const callInviteSchema = z.strictObject({
  v: version,
  type: z.literal('call-invite'),
  id: messageId,
  video: z.boolean(),
});

export const callAnswerSchema = z.strictObject({
  v: version,
  type: z.literal('call-answer'),
  id: messageId,
  accept: z.boolean(),
});

export const callSignalSchema = z.strictObject({
  v: version,
  type: z.literal('call-signal'),
  id: messageId,
  signal: callSignal,
});

export const callMediaSchema = z.strictObject({
  v: version,
  type: z.literal('call-media'),
  id: messageId,
  media: z.strictObject({ muted: z.boolean(), cameraOff: z.boolean(), screen: z.boolean() }),
});

export const CALL_END_REASONS = [
  'hangup',
  'declined',
  'cancelled',
  'unanswered',
  'offline',
  'busy',
  'lost',
  'failed',
] as const;

export const callEndSchema = z.strictObject({
  v: version,
  type: z.literal('call-end'),
  id: messageId,
  reason: z.enum(CALL_END_REASONS),
});

export const callPingSchema = z.strictObject({
  v: version,
  type: z.literal('call-ping'),
  id: messageId,
});

export const wireMessageSchema = z.discriminatedUnion('type', [
  identitySchema,
  contactRequestSchema,
  contactAcceptSchema,
  chatSchema,
  receiptSchema,
  fileOfferSchema,
  fileAcceptSchema,
  fileDeclineSchema,
  filePauseSchema,
  fileCancelSchema,
  fileEndSchema,
  fileCompleteSchema,
  callInviteSchema,
  callAnswerSchema,
  callSignalSchema,
  callMediaSchema,
  callEndSchema,
  callPingSchema,
]);

// Compile-time guard: `tsc` fails on the line below if the schema and the hand-written
// types in wire-message.ts drift apart in either direction.
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** `true` by construction; exists only so that the type check above is evaluated. */
export type SchemaMatchesContract = Assert<
  Equals<
    [z.input<typeof wireMessageSchema>, z.output<typeof wireMessageSchema>],
    [WireMessage, WireMessage]
  >
>;
