// fast-check arbitraries for fuzzing whatever receives peer frames: valid frames of every
// type in the wire union, mutations of them, JSON and near-JSON text, and values of any
// type as PeerJS could hand them over. Test code only.

import fc from 'fast-check';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import { MAX_FRAME_BYTES, type WireMessage } from './wire-message.ts';
import {
  CALL_END_REASONS,
  FIRST_FILE_CHANNEL,
  LAST_FILE_CHANNEL,
  MAX_FILE_NAME_LENGTH,
  MAX_RECEIPT_IDS,
} from './wire-schema.ts';

/** One input for a frame handler, and what is known of it without asking the decoder. */
export interface FuzzInput {
  /** What the data channel delivers: usually text, but anything PeerJS may hand over. */
  data: unknown;
  /**
   * True when the contract refuses this input whatever the decoder says (a dropped field,
   * an unknown one, broken JSON...). False when nothing is known: it may or may not decode.
   */
  mustReject: boolean;
  /** What was done to it, for a readable counterexample. */
  label: string;
}

type FrameType = WireMessage['type'];
type FrameOf<T extends FrameType> = Extract<WireMessage, { type: T }>;

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const base64url = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: length,
    maxLength: length,
  });

/** Text of every kind, lone surrogates, controls and bidi overrides included, cut to `max`. */
export function hostileText(max: number): fc.Arbitrary<string> {
  const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
  const nasty = fc.constantFrom(
    '\u0000',
    '\u001b[31m',
    '\u007f',
    '\u0085',
    '\u200b',
    '\u200d',
    '\u202e',
    '\u2066',
    '\ufeff',
    '\ud800',
    '\udfff',
    '<img src=x onerror=alert(1)>',
    '{@html x}',
    '\r\n',
    '👩‍👩‍👧',
  );
  return fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: codeUnit, maxLength: 40 }),
      fc.array(nasty, { maxLength: 8 }).map((parts) => parts.join('')),
      fc.constantFrom('x'.repeat(max), '\u202e'.repeat(max), 'é'.repeat(max)),
    )
    .map((value) => value.slice(0, max));
}

const sdpText = (max: number) =>
  fc.oneof(
    fc.string({
      unit: fc.oneof(
        fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
        fc.constantFrom('\r', '\n', '\t'),
      ),
      maxLength: Math.min(max, 60),
    }),
    fc.constant('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n'.slice(0, max)),
  );

/**
 * Where frames draw their ids from, by what the id names. Small pools make frames in one
 * sequence meet: an invite and its end, an offer and its cancel, a message and its receipt.
 */
export interface FrameIds {
  /** Chat messages (chat, receipt). */
  chat: fc.Arbitrary<string>;
  /** Transfers (file-*). */
  file: fc.Arbitrary<string>;
  /** Calls (call-*). */
  call: fc.Arbitrary<string>;
}

/**
 * A valid frame of every type of the union. The mapped type makes `tsc` fail when a frame
 * type is added without one here.
 */
export function validFrames(ids: FrameIds): {
  [T in FrameType]: fc.Arbitrary<FrameOf<T>>;
} {
  const v = fc.constant(1 as const);
  const cleanable = hostileText(MAX_NAME_LENGTH).map((value) => value.replace(/\p{Cc}/gu, ''));
  const count = fc.oneof(
    fc.integer({ min: 0, max: 4096 }),
    fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER),
  );
  return {
    identity: fc.record({
      v,
      type: fc.constant('identity'),
      key: base64url(86).map((rest) => `B${rest}`),
      signature: base64url(86),
    }),
    'contact-request': fc.record({ v, type: fc.constant('contact-request'), name: cleanable }),
    'contact-accept': fc.record({ v, type: fc.constant('contact-accept'), name: cleanable }),
    chat: fc.record({
      v,
      type: fc.constant('chat'),
      id: ids.chat,
      seq: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      text: hostileText(MAX_MESSAGE_LENGTH).filter((text) => text.length > 0),
      sentAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constant(0)),
    }),
    receipt: fc.record({
      v,
      type: fc.constant('receipt'),
      ids: fc.oneof(
        fc.array(ids.chat, { minLength: 1, maxLength: 4 }),
        ids.chat.map((one) => Array.from({ length: MAX_RECEIPT_IDS }, () => one)),
      ),
      state: fc.constantFrom('delivered', 'read'),
    }),
    'file-offer': fc.record({
      v,
      type: fc.constant('file-offer'),
      id: ids.file,
      name: fc.oneof(
        hostileText(MAX_FILE_NAME_LENGTH).filter((name) => name.length > 0),
        fc.constantFrom('../../etc/passwd', 'CON', '.', '..', 'a\u0000b.exe', '\u202etxt.exe'),
      ),
      size: count,
    }),
    'file-accept': fc.record({
      v,
      type: fc.constant('file-accept'),
      id: ids.file,
      offset: count,
      channel: fc.integer({ min: FIRST_FILE_CHANNEL, max: LAST_FILE_CHANNEL }),
      prefixSha256: hex(64),
    }),
    'file-decline': fc.record({ v, type: fc.constant('file-decline'), id: ids.file }),
    'file-pause': fc.record({ v, type: fc.constant('file-pause'), id: ids.file }),
    'file-cancel': fc.record({
      v,
      type: fc.constant('file-cancel'),
      id: ids.file,
      reason: fc.constantFrom(
        'cancelled',
        'source-unreadable',
        'no-space',
        'hash-mismatch',
        'failed',
      ),
    }),
    'file-end': fc.record({ v, type: fc.constant('file-end'), id: ids.file, sha256: hex(64) }),
    'file-complete': fc.record({ v, type: fc.constant('file-complete'), id: ids.file }),
    'call-invite': fc.record({
      v,
      type: fc.constant('call-invite'),
      id: ids.call,
      video: fc.boolean(),
    }),
    'call-answer': fc.record({
      v,
      type: fc.constant('call-answer'),
      id: ids.call,
      accept: fc.boolean(),
    }),
    'call-signal': fc.record({
      v,
      type: fc.constant('call-signal'),
      id: ids.call,
      signal: fc.oneof(
        fc.record({
          kind: fc.constant('description' as const),
          description: fc.record({
            type: fc.constantFrom('offer' as const, 'answer' as const),
            sdp: sdpText(15_000),
          }),
        }),
        fc.record({
          kind: fc.constant('candidate' as const),
          candidate: fc.option(
            fc.record({
              candidate: sdpText(1024),
              sdpMid: fc.option(sdpText(64)),
              sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1023 })),
              usernameFragment: fc.option(sdpText(256)),
            }),
          ),
        }),
      ),
    }),
    'call-media': fc.record({
      v,
      type: fc.constant('call-media'),
      id: ids.call,
      media: fc.record({ muted: fc.boolean(), cameraOff: fc.boolean(), screen: fc.boolean() }),
    }),
    'call-end': fc.record({
      v,
      type: fc.constant('call-end'),
      id: ids.call,
      reason: fc.constantFrom(...CALL_END_REASONS),
    }),
    'call-ping': fc.record({ v, type: fc.constant('call-ping'), id: ids.call }),
  };
}

/** Every frame type, each as likely as the others. */
export function validFrame(ids: FrameIds): fc.Arbitrary<WireMessage> {
  return fc.oneof(...Object.values(validFrames(ids)));
}

// ---- mutations ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/**
 * Stands for raw JSON text in a value until it is serialized: -0, 1e400 and friends have
 * no JSON.stringify form. A private-use character makes a clash with fuzzed text unlikely.
 */
const RAW = '\ue000raw\ue000';
const raw = (text: string) => `${RAW}${text}${RAW}`;
function serialize(value: unknown): string {
  return JSON.stringify(value).replace(
    new RegExp(`"${RAW}(.*?)${RAW}"`, 'gs'),
    (_match, text: string) => JSON.parse(`"${text}"`) as string,
  );
}

/** Paths to every field of a frame, nested objects' fields and array items included. */
function fieldPaths(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [
      [...prefix, index],
      ...fieldPaths(item, [...prefix, index]),
    ]);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...fieldPaths(item, [...prefix, key]),
    ]);
  return [];
}

/** Paths to the frame and to every object inside it (where a field can be added). */
function objectPaths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const own = Array.isArray(value) ? [] : [prefix];
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  return [...own, ...[...entries].flatMap(([key, item]) => objectPaths(item, [...prefix, key]))];
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function get(root: Json, path: Path): Json {
  let at: Json = root;
  for (const step of path) at = (at as Record<string | number, Json>)[step]!;
  return at;
}

/** A deep copy with `change` applied to the parent of `path`. */
function edit(
  root: Json,
  path: Path,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): Json {
  const copy = structuredClone(root);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return copy;
}

/** Numbers that are valid somewhere and out of range elsewhere, as raw JSON text. */
const boundaryNumber = fc.constantFrom(
  '0',
  '-0',
  '1',
  '-1',
  '0.5',
  '1.0',
  '1e0',
  '10e-1',
  '63',
  '64',
  '1023',
  '1024',
  '9007199254740991',
  '9007199254740992',
  '-9007199254740992',
  '1e21',
  '1e400',
  '-1e400',
  '5e-324',
);

/** Values that are hard to handle: long, deep, huge, or tied to the prototype chain. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  boundaryNumber.map(raw),
  hostileText(MAX_MESSAGE_LENGTH + 1),
  fc.constantFrom(
    'x'.repeat(MAX_MESSAGE_LENGTH + 1),
    'x'.repeat(MAX_NAME_LENGTH + 1),
    'x'.repeat(MAX_FILE_NAME_LENGTH + 1),
    '__proto__',
    'constructor',
    'toString',
    '',
  ),
  fc.integer({ min: 1, max: 8000 }).map((depth) => raw(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc
    .integer({ min: 1, max: 4000 })
    .map((depth) => raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
  fc.integer({ min: MAX_RECEIPT_IDS - 1, max: 6000 }).map((length) => Array(length).fill(0)),
  fc.constantFrom(
    raw('{"__proto__":{"polluted":true}}'),
    raw('{"constructor":{"prototype":{"polluted":true}}}'),
  ),
);

const newKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'V',
    'type ',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/**
 * Valid frames of every type with one thing done to each (see mutatedFrame).
 */
export function mutatedFrames(ids: FrameIds): fc.Arbitrary<FuzzInput> {
  const frames = validFrames(ids);
  return validFrame(ids).chain((frame) =>
    mutatedFrame(frame, frames[frame.type] as fc.Arbitrary<WireMessage>),
  );
}

/**
 * A valid frame with one thing done to it. Mutations that the contract must refuse say so
 * (`mustReject`); those that may leave the frame valid (a value replaced, swapped with
 * another valid frame's, a key repeated) leave it to the decoder, and the handler behind
 * it must cope either way. `sameType` makes other valid frames of this frame's type.
 */
export function mutatedFrame(
  frame: WireMessage,
  sameType: fc.Arbitrary<WireMessage> = fc.constant(frame),
): fc.Arbitrary<FuzzInput> {
  const root = frame as unknown as Json;
  const text = serialize(root);
  const fields = fieldPaths(root);
  const objects = objectPaths(root);
  const field = fc.constantFrom(...fields);
  const label = (what: string, path?: Path) =>
    `${frame.type}: ${what}${path ? ` at ${path.join('.')}` : ''}`;
  const input = (data: unknown, mustReject: boolean, what: string): FuzzInput => ({
    data,
    mustReject,
    label: what,
  });

  // Ids are compared exactly, so one in upper case is another id: the contract refuses it.
  const ids = fields.filter((path) => {
    const value = get(root, path);
    return typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value);
  });
  // Only for frames with an id: a filter that never passes would never end.
  const upperCaseId = ids.map((path) => {
    const id = String(get(root, path));
    const upper = id.toUpperCase();
    return input(
      serialize(edit(root, path, (parent, key) => (parent[key] = upper))),
      upper !== id,
      label('upper-case id', path),
    );
  });
  // Numbers at and beyond their bounds: some still decode (0, 1.0, 2^53 - 1), some not.
  const numbers = fields.filter((path) => typeof get(root, path) === 'number');
  const boundary = fc
    .tuple(fc.constantFrom(...(numbers.length > 0 ? numbers : [['v']])), boundaryNumber)
    .map(([path, token]) =>
      input(
        serialize(edit(root, path, (parent, key) => (parent[key] = raw(token)))),
        false,
        label(`number ${token}`, path),
      ),
    );
  // A field from another valid frame of this type: the result usually still decodes.
  const swapped = fc
    .tuple(fc.constantFrom(...Object.keys(root as object)), sameType)
    .map(([key, other]) =>
      input(
        serialize({ ...(root as object), [key]: (other as unknown as Record<string, Json>)[key] }),
        false,
        label('swap', [key]),
      ),
    );

  return fc.oneof(
    ...(upperCaseId.length > 0 ? [fc.constantFrom(...upperCaseId)] : []),
    boundary,
    swapped,
    // Every field of every frame type is required, nested ones included.
    field
      .filter((path) => typeof path.at(-1) === 'string')
      .map((path) =>
        input(
          serialize(edit(root, path, (parent, key) => delete parent[key])),
          true,
          label('drop', path),
        ),
      ),
    // Every object in the contract is strict, so an unknown field is refused.
    fc
      .tuple(fc.constantFrom(...objects), newKey, fc.jsonValue({ maxDepth: 2 }))
      .filter(([path, key]) => !Object.hasOwn(get(root, path) as object, key))
      .map(([path, key, value]) =>
        input(
          serialize(
            path.length === 0
              ? { ...(root as object), [key]: value }
              : edit(root, path, (parent, at) => {
                  parent[at] = { ...(parent[at] as object), [key]: value };
                }),
          ),
          true,
          label(`add ${JSON.stringify(key)}`, path),
        ),
      ),
    // Each field has one JSON kind (nullable ones also take null).
    fc
      .tuple(field, fc.jsonValue({ maxDepth: 2 }))
      .filter(([path, value]) => {
        // A field that holds null is nullable: it takes one other kind, and only that.
        const now = get(root, path);
        return value !== null && now !== null && jsonKind(value) !== jsonKind(now);
      })
      .map(([path, value]) =>
        input(
          serialize(edit(root, path, (parent, key) => (parent[key] = value))),
          true,
          label(`retype to ${jsonKind(value)}`, path),
        ),
      ),
    fc
      .tuple(field, hostileValue)
      .map(([path, value]) =>
        input(
          serialize(edit(root, path, (parent, key) => (parent[key] = value))),
          false,
          label('replace', path),
        ),
      ),
    boundaryNumber.map((token) =>
      input(
        serialize({ ...(root as object), v: raw(token) }),
        JSON.parse(token) !== 1,
        label(`v ${token}`),
      ),
    ),
    fc
      .constantFrom('"1"', '2', '0', 'true', 'null', '[1]', '{"v":1}')
      .map((token) =>
        input(serialize({ ...(root as object), v: raw(token) }), true, label(`v ${token}`)),
      ),
    // A strict prefix of an object's JSON is never JSON.
    fc
      .integer({ min: 0, max: text.length - 1 })
      .map((at) => input(text.slice(0, at), true, label(`truncated at ${at}`))),
    // Duplicate keys: JSON.parse keeps the last one.
    fc
      .tuple(fc.constantFrom(...Object.keys(root as object)), hostileValue, fc.boolean())
      .map(([key, value, first]) => {
        const repeat = `${JSON.stringify(key)}:${serialize(value)}`;
        const body = text.slice(1, -1);
        return input(
          first ? `{${repeat},${body}}` : `{${body},${repeat}}`,
          false,
          label(`duplicate ${key} ${first ? 'first' : 'last'}`),
        );
      }),
    fc
      .constantFrom<[string, (json: string) => string]>(
        ['trailing comma', (json) => `${json.slice(0, -1)},}`],
        ['single quotes', (json) => json.replaceAll('"', "'")],
        ['comment', (json) => `/*x*/${json}`],
        ['byte order mark', (json) => `\ufeff${json}`],
        ['trailing garbage', (json) => `${json}x`],
        ['two frames', (json) => `${json}${json}`],
        ['NaN', (json) => json.replace(/"v":1/, '"v":NaN')],
        ['Infinity', (json) => json.replace(/"v":1/, '"v":Infinity')],
        ['unquoted key', (json) => json.replace('"type"', 'type')],
        ['as an array', (json) => `[${json}]`],
        ['as a string', (json) => JSON.stringify(json)],
        ['oversized', (json) => json.replace('{', `{"pad":"${'x'.repeat(MAX_FRAME_BYTES)}",`)],
      )
      .map(([what, change]) => input(change(text), true, label(what))),
    fc
      .constantFrom(' ', '\n', '\t', '\r\n')
      .map((space) => input(`${space}${text}${space}`, false, label('padded with whitespace'))),
    // The frame as something other than text: the protocol carries text frames only.
    fc
      .constantFrom<[string, (json: string) => unknown]>(
        ['as an object', () => structuredClone(frame)],
        ['as an ArrayBuffer', (json) => new TextEncoder().encode(json).buffer],
        ['as a Uint8Array', (json) => new TextEncoder().encode(json)],
        ['as a Blob', (json) => new Blob([json])],
        ['as a String object', (json) => new String(json)],
        ['as an object with toJSON', (json) => ({ toJSON: () => json, toString: () => json })],
      )
      .map(([what, change]) => input(change(text), true, label(what))),
  );
}

/** Values of any type, as a data channel could deliver them (never a valid frame). */
export const anyValue: fc.Arbitrary<FuzzInput> = fc
  .oneof(
    fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withSet: true,
      withTypedArray: true,
    }),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => bytes.buffer),
    fc.constantFrom(null, undefined, 0, -0, Number.NaN, Infinity, true, Symbol('frame')),
    fc.constant(() => '{"v":1}'),
  )
  .filter((value) => typeof value !== 'string')
  .map((data) => ({ data, mustReject: true, label: `a ${jsonKind(data)}` }));

/** JSON text, JSON-like text and plain text: nearly never a frame, but it may be. */
export const anyText: fc.Arbitrary<FuzzInput> = fc
  .oneof(
    fc.json({ maxDepth: 3 }),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc
      .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
      .map((record) => JSON.stringify({ v: 1, ...record })),
    fc
      .tuple(
        fc.constantFrom(
          'identity',
          'contact-request',
          'chat',
          'receipt',
          'file-offer',
          'call-invite',
          'CHAT',
          '',
          'toString',
          '__proto__',
        ),
        fc.dictionary(fc.constantFrom('id', 'name', 'text', 'seq', 'ids', 'size'), fc.jsonValue()),
      )
      .map(([type, record]) => JSON.stringify({ v: 1, type, ...record })),
  )
  .map((data) => ({ data, mustReject: false, label: 'text' }));
