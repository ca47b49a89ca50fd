import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import { decodeFrame } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import { MAX_FRAME_BYTES, type ChatFrame, type WireMessage } from './wire-message.ts';
import { MAX_RECEIPT_IDS } from './wire-schema.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

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
    ];
    for (const message of worst) {
      const frame = encodeFrame(message);
      expect(utf8Length(frame)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      expect(decodeFrame(frame)).toEqual({ ok: true, message });
    }
  });
});
