import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import { decodeFrame, MAX_DETAIL_LENGTH } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import {
  MAX_FRAME_BYTES,
  type DecodeResult,
  type FileCancelReason,
  type WireMessage,
} from './wire-message.ts';
import {
  FIRST_FILE_CHANNEL,
  CALL_END_REASONS,
  LAST_FILE_CHANNEL,
  MAX_CANDIDATE_LENGTH,
  MAX_FILE_NAME_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_UFRAG_LENGTH,
  MAX_RECEIPT_IDS,
  UUID_PATTERN,
  wireMessageSchema,
} from './wire-schema.ts';

const RUNS = { numRuns: 500 };
/** For properties over validMessage: 125 runs per message type, as many as with four types. */
const MESSAGE_RUNS = { numRuns: 1250 };
const REASONS = ['not-text', 'oversized', 'malformed-json', 'wrong-version', 'invalid'];

/** Any single UTF-16 code unit, lone surrogates and control characters included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/** Strings of every kind, cut to `max` code units (a cut may leave a lone surrogate). */
function text(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ maxLength: max }),
      fc.string({ unit: 'grapheme', maxLength: max }),
      fc.string({ unit: 'binary', maxLength: max }),
      fc.string({ unit: codeUnit, maxLength: max }),
      fc.string({ unit: codeUnit, maxLength: max, size: 'max' }),
    )
    .map((value) => value.slice(0, max));
}

const uuid = fc.oneof(fc.uuid(), fc.stringMatching(UUID_PATTERN));
const version = fc.constant(1 as const);
const name = text(MAX_NAME_LENGTH).map((value) => value.replace(/\p{Cc}/gu, ''));
const seq = fc.oneof(
  fc.integer({ min: 1, max: 1000 }),
  fc.maxSafeNat().filter((n) => n >= 1),
);

/**
 * File names: any text, control characters and lone surrogates included, and often one of
 * the longest, among them the largest encoded: every code unit escaped as \uXXXX (6 bytes).
 */
const fileName = fc.oneof(
  { arbitrary: text(MAX_FILE_NAME_LENGTH).filter((value) => value.length > 0), weight: 2 },
  fc.string({
    unit: fc.constantFrom('\u0000', '\u001f', '\u007f', '\u0085', '\ud800', '\udfff', '/', '.'),
    minLength: MAX_FILE_NAME_LENGTH,
    maxLength: MAX_FILE_NAME_LENGTH,
  }),
  fc
    .constantFrom('\u0000', '\u0001', '\u001f', '\ud800', '\udfff')
    .map((unit) => unit.repeat(MAX_FILE_NAME_LENGTH)),
);
const byteCount = fc.oneof(
  fc.integer({ min: 0, max: 64 * 1024 * 1024 }),
  fc.maxSafeNat(),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER),
);
const channel = fc.oneof(
  fc.integer({ min: FIRST_FILE_CHANNEL, max: LAST_FILE_CHANNEL }),
  fc.constantFrom(FIRST_FILE_CHANNEL, LAST_FILE_CHANNEL),
);
const cancelReason = fc.constantFrom(
  ...Object.keys({
    cancelled: true,
    'source-unreadable': true,
    'no-space': true,
    'hash-mismatch': true,
    failed: true,
  } satisfies Record<FileCancelReason, true>),
) as fc.Arbitrary<FileCancelReason>;
const sha256 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((digest) => Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join(''));

const wireMessageBeforeCalls: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({ v: version, type: fc.constant('contact-request' as const), name }),
  fc.record({ v: version, type: fc.constant('contact-accept' as const), name }),
  fc.record({
    v: version,
    type: fc.constant('chat' as const),
    id: uuid,
    seq,
    text: text(MAX_MESSAGE_LENGTH).filter((value) => value.length > 0),
    sentAt: fc.maxSafeNat(),
  }),
  fc.record({
    v: version,
    type: fc.constant('receipt' as const),
    ids: fc.array(uuid, { minLength: 1, maxLength: MAX_RECEIPT_IDS }),
    state: fc.constantFrom('delivered' as const, 'read' as const),
  }),
  fc.record({
    v: version,
    type: fc.constant('file-offer' as const),
    id: uuid,
    name: fileName,
    size: byteCount,
  }),
  fc.record({
    v: version,
    type: fc.constant('file-accept' as const),
    id: uuid,
    offset: byteCount,
    channel,
    prefixSha256: sha256,
  }),
  fc.record({ v: version, type: fc.constant('file-decline' as const), id: uuid }),
  fc.record({ v: version, type: fc.constant('file-pause' as const), id: uuid }),
  fc.record({
    v: version,
    type: fc.constant('file-cancel' as const),
    id: uuid,
    reason: cancelReason,
  }),
  fc.record({ v: version, type: fc.constant('file-end' as const), id: uuid, sha256 }),
  fc.record({ v: version, type: fc.constant('file-complete' as const), id: uuid }),
);

/** SDP text: printable ASCII, tab and line breaks (quotes and backslashes JSON escapes). */
function sdpText(max: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    fc.constantFrom('\r', '\n', '\t', '"', '\\'),
  );
  return fc.oneof(
    fc.string({ unit, maxLength: max }),
    fc.string({ unit: fc.constantFrom('"', '\\', '\n'), minLength: max, maxLength: max }),
  );
}

const callSignal = fc.oneof(
  fc.record({
    kind: fc.constant('description' as const),
    description: fc.record({
      type: fc.constantFrom('offer' as const, 'answer' as const),
      sdp: sdpText(MAX_SDP_LENGTH),
    }),
  }),
  fc.record({
    kind: fc.constant('candidate' as const),
    candidate: fc.option(
      fc.record({
        candidate: sdpText(MAX_CANDIDATE_LENGTH),
        sdpMid: fc.option(sdpText(MAX_SDP_MID_LENGTH)),
        sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })),
        usernameFragment: fc.option(sdpText(MAX_UFRAG_LENGTH)),
      }),
    ),
  }),
);

const callFrame: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({
    v: version,
    type: fc.constant('call-invite' as const),
    id: uuid,
    video: fc.boolean(),
  }),
  fc.record({
    v: version,
    type: fc.constant('call-answer' as const),
    id: uuid,
    accept: fc.boolean(),
  }),
  fc.record({
    v: version,
    type: fc.constant('call-signal' as const),
    id: uuid,
    signal: callSignal,
  }),
  fc.record({
    v: version,
    type: fc.constant('call-media' as const),
    id: uuid,
    media: fc.record({ muted: fc.boolean(), cameraOff: fc.boolean(), screen: fc.boolean() }),
  }),
  fc.record({
    v: version,
    type: fc.constant('call-end' as const),
    id: uuid,
    reason: fc.constantFrom(...CALL_END_REASONS),
  }),
  fc.record({ v: version, type: fc.constant('call-ping' as const), id: uuid }),
);

/** Every message type; the call frames are one branch, so the others keep their share. */
const validMessage: fc.Arbitrary<WireMessage> = fc.oneof(wireMessageBeforeCalls, callFrame);

/** Checks the result's shape; on success the message must satisfy the schema. */
function expectDecodeResult(result: DecodeResult): void {
  if (result.ok) {
    expect(wireMessageSchema.safeParse(result.message).success).toBe(true);
  } else {
    expect(REASONS).toContain(result.reason);
    expect(typeof result.detail).toBe('string');
    expect(result.detail.length).toBeLessThanOrEqual(MAX_DETAIL_LENGTH);
  }
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

type Mutation =
  | { kind: 'drop'; key: string }
  | { kind: 'retype'; key: string; value: unknown }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'version'; value: unknown }
  | { kind: 'replace'; key: string; value: unknown };

function mutations(message: WireMessage): fc.Arbitrary<Mutation> {
  const record: Record<string, unknown> = { ...message };
  const keys = Object.keys(record);
  const key = fc.constantFrom(...keys);
  const newKey = fc
    .oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'V', 'type '))
    .filter((candidate) => !keys.includes(candidate));
  return fc.oneof(
    key.map((k): Mutation => ({ kind: 'drop', key: k })),
    fc
      .tuple(key, fc.jsonValue())
      .filter(([k, value]) => jsonKind(value) !== jsonKind(record[k]))
      .map(([k, value]): Mutation => ({ kind: 'retype', key: k, value })),
    fc
      .tuple(newKey, fc.jsonValue())
      .map(([k, value]): Mutation => ({ kind: 'add', key: k, value })),
    fc
      .jsonValue()
      .filter((value) => value !== 1)
      .map((value): Mutation => ({ kind: 'version', value })),
    fc
      .tuple(key, fc.jsonValue())
      .map(([k, value]): Mutation => ({ kind: 'replace', key: k, value })),
  );
}

function mutate(message: WireMessage, mutation: Mutation): Record<string, unknown> {
  const record: Record<string, unknown> = { ...message };
  switch (mutation.kind) {
    case 'drop':
      delete record[mutation.key];
      return record;
    case 'version':
      return { ...record, v: mutation.value };
    default:
      // A computed key makes even "__proto__" an own field, as JSON.parse would.
      return { ...record, [mutation.key]: mutation.value };
  }
}

/** The reason a mutation must fail with, when it cannot leave the frame valid. */
function expectedReason(mutation: Mutation): string | null {
  switch (mutation.kind) {
    case 'version':
      return 'wrong-version';
    case 'drop':
    case 'retype':
      return mutation.key === 'v' ? 'wrong-version' : 'invalid';
    case 'add':
      return 'invalid';
    case 'replace':
      return null;
  }
}

describe('decodeFrame properties', () => {
  it('(a) never throws on any string', () => {
    const anyString = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: codeUnit }),
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .dictionary(fc.string(), fc.jsonValue())
        .map((record) => JSON.stringify({ v: 1, ...record })),
    );
    fc.assert(
      fc.property(anyString, (frame) => expectDecodeResult(decodeFrame(frame))),
      RUNS,
    );
  });

  it('(a) rejects anything that is not a string as not-text', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((value) => typeof value !== 'string'),
        (data) => {
          expect(decodeFrame(data)).toMatchObject({ ok: false, reason: 'not-text' });
        },
      ),
      RUNS,
    );
  });

  it('(b) never throws on a mutated frame, and decodes only schema-valid values', () => {
    const mutated = validMessage.chain((message) =>
      mutations(message).map((mutation) => ({ message, mutation })),
    );
    fc.assert(
      fc.property(mutated, ({ message, mutation }) => {
        const frame = JSON.stringify(mutate(message, mutation));
        const result = decodeFrame(frame);
        expectDecodeResult(result);
        if (result.ok) expect(result.message).toEqual(JSON.parse(frame));
        const reason = expectedReason(mutation);
        if (reason !== null) expect(result).toMatchObject({ ok: false, reason });
      }),
      MESSAGE_RUNS,
    );
  });

  it('(c) decode(encode(m)) equals m, and every frame fits MAX_FRAME_BYTES', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(validMessage, (message) => {
        const frame = encodeFrame(message);
        expect(encoder.encode(frame).byteLength).toBeLessThanOrEqual(MAX_FRAME_BYTES);
        expect(decodeFrame(frame)).toEqual({ ok: true, message });
      }),
      MESSAGE_RUNS,
    );
  });
});
