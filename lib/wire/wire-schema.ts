// Peer-to-peer wire protocol, version 1: the zod schemas for the types in
// ./wire-message.ts. Everything a peer sends passes through these (via decodeFrame)
// before the host looks at it. The specification is docs/protocol.md.

import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import type { WireMessage } from './wire-message.ts';

// Zod compiles object parsers with `new Function` unless told not to. Extension pages
// forbid eval, and the probe alone shows up as a CSP violation, so stay interpreted.
// Must run before the first schema below is built: zod reads it at construction.
z.config({ jitless: true });

/** Receipts are batched; this caps how many ids one frame may acknowledge. */
export const MAX_RECEIPT_IDS = 200;

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

export const wireMessageSchema = z.discriminatedUnion('type', [
  contactRequestSchema,
  contactAcceptSchema,
  chatSchema,
  receiptSchema,
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
