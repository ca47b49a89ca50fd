import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import { decodeFrame } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import {
  MAX_FRAME_BYTES,
  type ChatFrame,
  type FileFrame,
  type WireMessage,
} from './wire-message.ts';
import { LAST_FILE_CHANNEL, MAX_FILE_NAME_LENGTH, MAX_RECEIPT_IDS } from './wire-schema.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Each file frame as the contract writes it: compact, `v` first, fields in order. */
const FILE_FRAMES: readonly (readonly [FileFrame, string])[] = [
  [
    { v: 1, type: 'file-offer', id: ID, name: 'photo.jpg', size: 52428800 },
    `{"v":1,"type":"file-offer","id":"${ID}","name":"photo.jpg","size":52428800}`,
  ],
  [
    { v: 1, type: 'file-accept', id: ID, offset: 29360128, channel: 66, prefixSha256: SHA256 },
    `{"v":1,"type":"file-accept","id":"${ID}","offset":29360128,"channel":66,"prefixSha256":"${SHA256}"}`,
  ],
  [{ v: 1, type: 'file-decline', id: ID }, `{"v":1,"type":"file-decline","id":"${ID}"}`],
  [{ v: 1, type: 'file-pause', id: ID }, `{"v":1,"type":"file-pause","id":"${ID}"}`],
  [
    { v: 1, type: 'file-cancel', id: ID, reason: 'hash-mismatch' },
    `{"v":1,"type":"file-cancel","id":"${ID}","reason":"hash-mismatch"}`,
  ],
  [
    { v: 1, type: 'file-end', id: ID, sha256: SHA256 },
    `{"v":1,"type":"file-end","id":"${ID}","sha256":"${SHA256}"}`,
  ],
  [{ v: 1, type: 'file-complete', id: ID }, `{"v":1,"type":"file-complete","id":"${ID}"}`],
];

/**
 * A stored transfer's local fields, and every other file frame's: spread into a frame,
 * none of them may reach the peer (a file-decline built from a record with a `reason`
 * must not become a file-cancel's shape, nor a file-complete carry the `sha256`).
 */
const TRANSFER_RECORD = {
  peerId: 'them',
  file: new Blob(['secret contents']),
  state: 'sending',
  direction: 'out',
  path: '/home/alice/photo.jpg',
  bytesDone: 1024,
  createdAt: 1767225600000,
  name: 'photo.jpg',
  size: 52428800,
  offset: 1024,
  channel: 64,
  reason: 'cancelled',
  sha256: SHA256,
  prefixSha256: SHA256,
};

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

describe('encodeFrame', () => {
  it('writes the envelope first, then the fields', () => {
    expect(encodeFrame({ v: 1, type: 'contact-request', name: 'Alice' })).toBe(
      '{"v":1,"type":"contact-request","name":"Alice"}',
    );
  });

  it('writes only the contract’s fields, whatever else the object carries', () => {
    const stored = { v: 1, type: 'chat', id: ID, seq: 1, text: 'hi', sentAt: 0 } as const;
    const spread = { ...stored, peerId: 'them', state: 'sending', localOrder: 7 } as ChatFrame;
    expect(JSON.parse(encodeFrame(spread))).toEqual(stored);
    expect(decodeFrame(encodeFrame(spread))).toEqual({ ok: true, message: stored });
  });

  it.each(FILE_FRAMES.map(([message, json]) => [message.type, message, json] as const))(
    '%s: writes the envelope first, then the fields',
    (_, message, json) => {
      expect(encodeFrame(message)).toBe(json);
    },
  );

  it.each(FILE_FRAMES.map(([message, json]) => [message.type, message, json] as const))(
    '%s: writes only the contract’s fields, whatever else the object carries',
    (_, message, json) => {
      const spread = { ...TRANSFER_RECORD, ...message } as FileFrame;
      expect(encodeFrame(spread)).toBe(json);
      expect(decodeFrame(encodeFrame(spread))).toEqual({ ok: true, message });
    },
  );

  it('fits the largest valid messages in MAX_FRAME_BYTES, even fully escaped', () => {
    // JSON escapes a control character or a lone surrogate as \uXXXX: 6 bytes each.
    const worst: WireMessage[] = [
      {
        v: 1,
        type: 'chat',
        id: ID,
        seq: Number.MAX_SAFE_INTEGER,
        text: '\u0001'.repeat(MAX_MESSAGE_LENGTH),
        sentAt: Number.MAX_SAFE_INTEGER,
      },
      { v: 1, type: 'chat', id: ID, seq: 1, text: '\ud800'.repeat(MAX_MESSAGE_LENGTH), sentAt: 0 },
      { v: 1, type: 'contact-accept', name: '\udfff'.repeat(MAX_NAME_LENGTH) },
      { v: 1, type: 'receipt', ids: Array<string>(MAX_RECEIPT_IDS).fill(ID), state: 'delivered' },
      {
        v: 1,
        type: 'file-offer',
        id: ID,
        name: '\u0001'.repeat(MAX_FILE_NAME_LENGTH),
        size: Number.MAX_SAFE_INTEGER,
      },
      { v: 1, type: 'file-offer', id: ID, name: '\ud800'.repeat(MAX_FILE_NAME_LENGTH), size: 0 },
      {
        v: 1,
        type: 'file-accept',
        id: ID,
        offset: Number.MAX_SAFE_INTEGER,
        channel: LAST_FILE_CHANNEL,
        prefixSha256: SHA256,
      },
      { v: 1, type: 'file-cancel', id: ID, reason: 'source-unreadable' },
      { v: 1, type: 'file-end', id: ID, sha256: SHA256 },
    ];
    for (const message of worst) {
      const frame = encodeFrame(message);
      expect(utf8Length(frame)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      expect(decodeFrame(frame)).toEqual({ ok: true, message });
    }
  });
});
