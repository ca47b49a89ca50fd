import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../chat/chat-message.ts';
import { MAX_NAME_LENGTH } from '../contacts/contact.ts';
import { decodeFrame, MAX_DETAIL_LENGTH } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import {
  MAX_FRAME_BYTES,
  type ChatFrame,
  type ContactAcceptFrame,
  type ContactRequestFrame,
  type DecodeResult,
  type FileAcceptFrame,
  type FileCancelFrame,
  type FileCancelReason,
  type FileCompleteFrame,
  type FileDeclineFrame,
  type FilePauseFrame,
  type FileEndFrame,
  type FileFrame,
  type FileOfferFrame,
  type ReceiptFrame,
  type WireMessage,
} from './wire-message.ts';
import {
  FIRST_FILE_CHANNEL,
  LAST_FILE_CHANNEL,
  MAX_FILE_NAME_LENGTH,
  MAX_RECEIPT_IDS,
} from './wire-schema.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ID_UPPER = ID.toUpperCase();
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** SHA-256 of the empty file. */
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const CANCEL_REASONS: readonly FileCancelReason[] = [
  'cancelled',
  'source-unreadable',
  'no-space',
  'hash-mismatch',
  'failed',
];

const request: ContactRequestFrame = { v: 1, type: 'contact-request', name: 'Alice' };
const accept: ContactAcceptFrame = { v: 1, type: 'contact-accept', name: 'Bob' };
const chat: ChatFrame = { v: 1, type: 'chat', id: ID, seq: 1, text: 'Hello', sentAt: 1.7e12 };
const receipt: ReceiptFrame = { v: 1, type: 'receipt', ids: [ID], state: 'delivered' };
const offer: FileOfferFrame = {
  v: 1,
  type: 'file-offer',
  id: ID,
  name: 'photo.jpg',
  size: 52428800,
};
const fileAccept: FileAcceptFrame = {
  v: 1,
  type: 'file-accept',
  id: ID,
  offset: 0,
  channel: 64,
  prefixSha256: SHA256,
};
const decline: FileDeclineFrame = { v: 1, type: 'file-decline', id: ID };
const pause: FilePauseFrame = { v: 1, type: 'file-pause', id: ID };
const cancel: FileCancelFrame = { v: 1, type: 'file-cancel', id: ID, reason: 'no-space' };
const end: FileEndFrame = { v: 1, type: 'file-end', id: ID, sha256: SHA256 };
const complete: FileCompleteFrame = { v: 1, type: 'file-complete', id: ID };
const FILE_FRAMES: readonly FileFrame[] = [
  offer,
  fileAccept,
  decline,
  pause,
  cancel,
  end,
  complete,
];
const VALID: readonly WireMessage[] = [request, accept, chat, receipt, ...FILE_FRAMES];

/** Ids that are not UUIDs as the contract defines them. */
const BAD_IDS = [
  ['empty', ''],
  ['not hex', 'not-a-uuid-at-all-not-a-uuid-at-all!'],
  ['no dashes', ID.replaceAll('-', '')],
  ['braced', `{${ID}}`],
  ['urn', `urn:uuid:${ID}`],
  ['a non-hex digit', `g${ID.slice(1)}`],
  ['one digit short', ID.slice(1)],
  ['one digit long', `${ID}0`],
  ['a trailing newline', `${ID}\n`],
  ['a misplaced dash', `${ID.slice(0, 7)}-${ID.slice(7, 8)}${ID.slice(9)}`],
] as const;

/** A valid frame, but with one field replaced (or removed, with `undefined`). */
function withField(base: object, key: string, value: unknown): Record<string, unknown> {
  return { ...base, [key]: value };
}

function decodeValue(value: unknown): DecodeResult {
  return decodeFrame(JSON.stringify(value));
}

function expectOk(result: DecodeResult, message: unknown): void {
  expect(result).toEqual({ ok: true, message });
}

function expectFailure(result: DecodeResult, reason: string): void {
  expect(result).toMatchObject({ ok: false, reason });
  if (!result.ok) expect(result.detail.length).toBeLessThanOrEqual(MAX_DETAIL_LENGTH);
}

function uuids(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${i.toString(16).padStart(8, '0')}${ID.slice(8)}`,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('decodeFrame: valid frames', () => {
  it.each(VALID.map((message) => [message.type, message]))('round-trips %s', (_, message) => {
    expectOk(decodeFrame(encodeFrame(message)), message);
  });

  it('returns a fresh object built by the schema, not the raw parse', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const result = decodeFrame(encodeFrame(chat));
    const raw: unknown = parse.mock.results[0]?.value;
    expect(raw).toEqual(chat);
    expect(result).toEqual({ ok: true, message: chat });
    expect(result.ok && result.message).not.toBe(raw);
  });

  it('accepts whitespace around the JSON and 1.0 as version 1', () => {
    expectOk(decodeFrame(`\n ${JSON.stringify(request)} \t`), request);
    expectOk(decodeFrame('{"v":1.0,"type":"contact-request","name":"Alice"}'), request);
  });

  it('accepts an empty name and non-control Unicode in names', () => {
    for (const name of ['', 'Zoë', 'מרים', '李雷', '🙂🙂', 'a\u00a0b', 'a\u200bb']) {
      expectOk(decodeValue({ ...request, name }), { ...request, name });
    }
  });

  it('accepts markup in text as plain text: rendering it inertly is the view’s job', () => {
    const text = '<script>alert(1)</script><img src=x onerror=alert(1)>';
    expectOk(decodeValue({ ...chat, text }), { ...chat, text });
  });

  it('accepts line breaks and tabs in text', () => {
    expectOk(decodeValue({ ...chat, text: 'a\nb\r\n\tc' }), { ...chat, text: 'a\nb\r\n\tc' });
  });

  it('accepts lower-case UUIDs of any version', () => {
    const nil = '00000000-0000-0000-0000-000000000000';
    for (const id of [ID_UPPER.toLowerCase(), nil, 'ffffffff-ffff-ffff-ffff-ffffffffffff']) {
      expectOk(decodeValue({ ...chat, id }), { ...chat, id });
    }
  });

  it('refuses UUIDs with upper-case digits, which receipts could not match exactly', () => {
    expectFailure(decodeValue({ ...chat, id: ID_UPPER }), 'invalid');
  });

  it.each(FILE_FRAMES.map((message) => [message.type, message]))(
    '%s: refuses an upper-case UUID, as other frames about the transfer could not match it',
    (_, message) => {
      expectFailure(decodeValue({ ...message, id: ID_UPPER }), 'invalid');
    },
  );

  it.each([
    ['a parent directory', '../../.bashrc'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows path', 'C:\\Windows\\system32\\drivers\\etc\\hosts'],
    ['a dot', '.'],
    ['a reserved Windows name', 'CON'],
    ['NUL', 'a\u0000b'],
    ['line breaks and a tab', 'a\nb\r\n\tc'],
    ['DEL and C1 controls', 'a\u007f\u0080\u009fb'],
    ['escape sequences', '\u001b[2Jreport.pdf'],
    ['a right-to-left override', 'invoice\u202efdp.exe'],
    ['a lone surrogate', 'a\ud800b'],
    ['markup', '<img src=x onerror=alert(1)>.png'],
    ['one space', ' '],
  ])('accepts a file name with %s: cleaning it is the receiver’s job', (_, name) => {
    expectOk(decodeValue({ ...offer, name }), { ...offer, name });
  });

  it('accepts every file-cancel reason', () => {
    for (const reason of CANCEL_REASONS) {
      expectOk(decodeValue({ ...cancel, reason }), { ...cancel, reason });
    }
  });
});

describe('decodeFrame: limits', () => {
  it.each([request, accept])('$type: name of at most MAX_NAME_LENGTH characters', (base) => {
    const name = 'n'.repeat(MAX_NAME_LENGTH);
    expectOk(decodeValue({ ...base, name }), { ...base, name });
    expectFailure(decodeValue({ ...base, name: `${name}n` }), 'invalid');
  });

  it('counts name length in UTF-16 code units', () => {
    const half = MAX_NAME_LENGTH / 2;
    expectOk(decodeValue({ ...request, name: '😀'.repeat(half) }), {
      ...request,
      name: '😀'.repeat(half),
    });
    expectFailure(decodeValue({ ...request, name: '😀'.repeat(half + 1) }), 'invalid');
  });

  it.each([
    ['NUL', '\u0000'],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['unit separator', '\u001f'],
    ['DEL', '\u007f'],
    ['C1 start', '\u0080'],
    ['C1 end', '\u009f'],
  ])('rejects a name containing %s', (_, control) => {
    for (const base of [request, accept]) {
      const result = decodeValue({ ...base, name: `Al${control}ice` });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('name');
    }
  });

  it('text: 1 to MAX_MESSAGE_LENGTH characters', () => {
    const text = 't'.repeat(MAX_MESSAGE_LENGTH);
    expectOk(decodeValue({ ...chat, text: 't' }), { ...chat, text: 't' });
    expectOk(decodeValue({ ...chat, text }), { ...chat, text });
    expectFailure(decodeValue({ ...chat, text: '' }), 'invalid');
    expectFailure(decodeValue({ ...chat, text: `${text}t` }), 'invalid');
  });

  it('counts text length in UTF-16 code units, as a textarea does', () => {
    const text = '😀'.repeat(MAX_MESSAGE_LENGTH / 2);
    expectOk(decodeValue({ ...chat, text }), { ...chat, text });
    expectFailure(decodeValue({ ...chat, text: `${text}t` }), 'invalid');
  });

  it('seq: a safe integer from 1', () => {
    for (const seq of [1, 2, MAX_SAFE]) expectOk(decodeValue({ ...chat, seq }), { ...chat, seq });
    for (const seq of [0, -1, 1.5, MAX_SAFE + 1, '1', null, true]) {
      expectFailure(decodeValue({ ...chat, seq }), 'invalid');
    }
  });

  it('sentAt: a safe integer from 0', () => {
    for (const sentAt of [0, MAX_SAFE]) {
      expectOk(decodeValue({ ...chat, sentAt }), { ...chat, sentAt });
    }
    for (const sentAt of [-1, 0.5, MAX_SAFE + 1, '0', null]) {
      expectFailure(decodeValue({ ...chat, sentAt }), 'invalid');
    }
  });

  it('rejects numbers JSON turns into Infinity', () => {
    const frame = encodeFrame(chat).replace('"seq":1', '"seq":1e400');
    expectFailure(decodeFrame(frame), 'invalid');
    const digits = encodeFrame(chat).replace('"seq":1', `"seq":1${'0'.repeat(20_000)}`);
    expectFailure(decodeFrame(digits), 'invalid');
  });

  it.each(BAD_IDS)('rejects an id that is %s', (_, id) => {
    expectFailure(decodeValue({ ...chat, id }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: [id] }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: [ID, id] }), 'invalid');
  });

  it.each(BAD_IDS)('file frames: reject an id that is %s', (_, id) => {
    for (const base of FILE_FRAMES) {
      const result = decodeValue({ ...base, id });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('id: ');
    }
  });

  it('receipt ids: 1 to MAX_RECEIPT_IDS UUIDs', () => {
    expect(MAX_RECEIPT_IDS).toBe(200);
    for (const ids of [[ID], uuids(MAX_RECEIPT_IDS)]) {
      expectOk(decodeValue({ ...receipt, ids }), { ...receipt, ids });
    }
    expectFailure(decodeValue({ ...receipt, ids: [] }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: uuids(MAX_RECEIPT_IDS + 1) }), 'invalid');
  });

  it("receipt state: 'delivered' or 'read'", () => {
    expectOk(decodeValue({ ...receipt, state: 'read' }), { ...receipt, state: 'read' });
    for (const state of ['seen', 'DELIVERED', '', 1, null]) {
      expectFailure(decodeValue({ ...receipt, state }), 'invalid');
    }
  });

  it('file name: 1 to MAX_FILE_NAME_LENGTH characters', () => {
    expect(MAX_FILE_NAME_LENGTH).toBe(1024);
    const name = 'f'.repeat(MAX_FILE_NAME_LENGTH);
    expectOk(decodeValue({ ...offer, name: 'f' }), { ...offer, name: 'f' });
    expectOk(decodeValue({ ...offer, name }), { ...offer, name });
    expectFailure(decodeValue({ ...offer, name: '' }), 'invalid');
    const result = decodeValue({ ...offer, name: `${name}f` });
    expectFailure(result, 'invalid');
    expect(!result.ok && result.detail).toContain('name: ');
  });

  it('counts file name length in UTF-16 code units', () => {
    const name = '😀'.repeat(MAX_FILE_NAME_LENGTH / 2);
    expectOk(decodeValue({ ...offer, name }), { ...offer, name });
    expectFailure(decodeValue({ ...offer, name: `${name}f` }), 'invalid');
    // 1024 code points, 2048 code units: what a limit in code points would let through.
    expectFailure(decodeValue({ ...offer, name: `${name}${name}` }), 'invalid');
  });

  it('file name: the limit holds for names JSON must escape', () => {
    const name = '\u0001'.repeat(MAX_FILE_NAME_LENGTH);
    expectOk(decodeValue({ ...offer, name }), { ...offer, name });
    expectFailure(decodeValue({ ...offer, name: `${name}\u0001` }), 'invalid');
  });

  it.each([
    ['file-offer size', offer, 'size'],
    ['file-accept offset', fileAccept, 'offset'],
  ] as const)('%s: a safe integer from 0', (_, base, key) => {
    for (const value of [0, 1, 29360128, MAX_SAFE]) {
      expectOk(decodeValue(withField(base, key, value)), { ...base, [key]: value });
    }
    for (const value of [-1, 1.5, 0.5, MAX_SAFE + 1, 2 ** 64, '0', null, true, [0]]) {
      const result = decodeValue(withField(base, key, value));
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain(`${key}: `);
    }
  });

  it.each([
    ['size', offer, `"size":${offer.size}`],
    ['offset', fileAccept, `"offset":${fileAccept.offset}`],
  ] as const)('%s: rejects numbers JSON turns into Infinity', (key, base, field) => {
    const json = encodeFrame(base);
    expect(json).toContain(field);
    for (const huge of ['1e400', '-1e400', `1${'0'.repeat(400)}`]) {
      expectFailure(decodeFrame(json.replace(field, `"${key}":${huge}`)), 'invalid');
    }
  });

  it('file-accept channel: FIRST_FILE_CHANNEL to LAST_FILE_CHANNEL', () => {
    expect([FIRST_FILE_CHANNEL, LAST_FILE_CHANNEL]).toEqual([64, 1023]);
    for (const channel of [64, 65, 512, 1022, 1023]) {
      expectOk(decodeValue({ ...fileAccept, channel }), { ...fileAccept, channel });
    }
    for (const channel of [63, 1024, 0, -1, -64, 64.5, 65535, 65536, '64', null, true]) {
      const result = decodeValue({ ...fileAccept, channel });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('channel: ');
    }
  });

  it('file-accept prefixSha256: 64 lower-case hex digits, always present', () => {
    for (const prefixSha256 of ['0'.repeat(64), '0123456789abcdef'.repeat(4)]) {
      expectOk(decodeValue({ ...fileAccept, prefixSha256 }), { ...fileAccept, prefixSha256 });
    }
    for (const prefixSha256 of ['F'.repeat(64), '0'.repeat(63), '0'.repeat(65), '', null, 5]) {
      const result = decodeValue({ ...fileAccept, prefixSha256 });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('prefixSha256: ');
    }
    const without: Partial<FileAcceptFrame> = { ...fileAccept };
    delete without.prefixSha256;
    expectFailure(decodeValue(without), 'invalid');
  });

  it('file-pause carries only its id', () => {
    expectOk(decodeValue(pause), pause);
    expectFailure(decodeValue({ ...pause, reason: 'cancelled' }), 'invalid');
    expectFailure(decodeValue({ ...pause, id: 'not-a-uuid' }), 'invalid');
    expectFailure(decodeValue({ v: 1, type: 'file-pause' }), 'invalid');
  });

  it('file-end sha256: 64 lower-case hex digits', () => {
    for (const sha256 of ['0'.repeat(64), 'f'.repeat(64), '0123456789abcdef'.repeat(4)]) {
      expectOk(decodeValue({ ...end, sha256 }), { ...end, sha256 });
    }
    const base64 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    for (const sha256 of [
      SHA256.toUpperCase(),
      `${SHA256.slice(0, 63)}B`,
      SHA256.slice(1),
      `${SHA256}0`,
      `${SHA256.slice(0, 63)}g`,
      `0x${SHA256.slice(2)}`,
      `${SHA256}\n`,
      ` ${SHA256.slice(1)}`,
      '',
      base64,
      ID,
      5,
      null,
    ]) {
      const result = decodeValue({ ...end, sha256 });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('sha256: ');
    }
  });

  it('file-cancel reason: one of the five', () => {
    for (const reason of ['CANCELLED', 'cancel', ' cancelled', 'timeout', '', 0, null]) {
      const result = decodeValue({ ...cancel, reason });
      expectFailure(result, 'invalid');
      expect(!result.ok && result.detail).toContain('reason: ');
    }
  });
});

describe('decodeFrame: shape', () => {
  it.each(VALID.map((message) => [message.type, message]))('%s: rejects extra fields', (_, m) => {
    const result = decodeValue({ ...m, extra: true });
    expectFailure(result, 'invalid');
    expect(!result.ok && result.detail).toContain('unknown field "extra"');
  });

  it('rejects an own "__proto__" field without touching prototypes', () => {
    const frame = encodeFrame(request).replace('{', '{"__proto__":{"polluted":true},');
    expectFailure(decodeFrame(frame), 'invalid');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(
    VALID.flatMap((message) =>
      Object.keys(message)
        .filter((key) => key !== 'v')
        .map((key) => [message.type, key, message] as const),
    ),
  )('%s: rejects a missing %s', (_, key, message) => {
    expectFailure(decodeValue(withField(message, key, undefined)), 'invalid');
  });

  it.each([
    ['type', 5],
    ['type', 'file'],
    ['type', 'CHAT'],
    ['id', 5],
    ['text', 5],
    ['text', ['Hello']],
    ['text', null],
  ])('chat: rejects %s = %j', (key, value) => {
    expectFailure(decodeValue(withField(chat, key, value)), 'invalid');
  });

  it('rejects wrong types in the other frames', () => {
    expectFailure(decodeValue({ ...request, name: 5 }), 'invalid');
    expectFailure(decodeValue({ ...accept, name: null }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: ID }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: [5] }), 'invalid');
    expectFailure(decodeValue({ ...receipt, ids: { 0: ID } }), 'invalid');
  });

  it.each([
    ['file-offer', 'id', 5],
    ['file-offer', 'id', [ID]],
    ['file-offer', 'name', 5],
    ['file-offer', 'name', ['photo.jpg']],
    ['file-offer', 'name', null],
    ['file-offer', 'size', '52428800'],
    ['file-accept', 'offset', null],
    ['file-accept', 'channel', [64]],
    ['file-accept', 'prefixSha256', [SHA256]],
    ['file-decline', 'id', null],
    ['file-pause', 'id', null],
    ['file-cancel', 'reason', ['no-space']],
    ['file-end', 'sha256', { 0: SHA256 }],
    ['file-complete', 'id', { id: ID }],
  ])('%s: rejects %s = %j', (type, key, value) => {
    const base = FILE_FRAMES.find((message) => message.type === type);
    expect(base).toBeDefined();
    expectFailure(decodeValue(withField(base ?? {}, key, value)), 'invalid');
  });

  it.each(['file', 'file-offers', 'FILE-OFFER', 'file_offer', 'file-ack', 'file-data'])(
    'rejects the unknown type %j',
    (type) => {
      expectFailure(decodeValue({ v: 1, type, id: ID }), 'invalid');
      expectFailure(decodeValue({ ...offer, type }), 'invalid');
    },
  );

  it('rejects a file frame carrying another file frame’s fields', () => {
    expectFailure(decodeValue({ ...decline, reason: 'cancelled' }), 'invalid');
    expectFailure(decodeValue({ ...end, type: 'file-complete' }), 'invalid');
    expectFailure(decodeValue({ ...cancel, type: 'file-decline' }), 'invalid');
    expectFailure(decodeValue({ ...fileAccept, type: 'file-offer' }), 'invalid');
    expectFailure(decodeValue({ ...offer, type: 'file-accept', offset: 0 }), 'invalid');
  });

  it.each(['42', '"hello"', 'null', 'true', '[]', JSON.stringify([chat])])(
    'rejects JSON %s that is not an object as invalid',
    (frame) => expectFailure(decodeFrame(frame), 'invalid'),
  );

  it('keeps the detail short and never echoes the payload', () => {
    const secret = 'SECRET'.repeat(600);
    const result = decodeValue({ ...chat, text: secret, seq: 0, [secret]: 1, [`${secret}2`]: 2 });
    expectFailure(result, 'invalid');
    expect(!result.ok && result.detail).not.toContain(secret.slice(0, 60));
  });

  it('escapes control characters of unknown field names in the detail', () => {
    const result = decodeValue({ ...request, 'a\u0000\u001b[2J': 1 });
    expect(!result.ok && result.detail).not.toMatch(/\p{Cc}/u);
  });
});

describe('decodeFrame: non-text input', () => {
  const hostile = new Proxy(
    {},
    {
      get: () => {
        throw new Error('get');
      },
      getPrototypeOf: () => {
        throw new Error('getPrototypeOf');
      },
    },
  );
  const getter = {
    get v(): never {
      throw new Error('getter');
    },
  };

  it.each([
    ['an ArrayBuffer', new ArrayBuffer(8)],
    ['a Uint8Array', new TextEncoder().encode(encodeFrame(chat))],
    ['a Blob', new Blob([encodeFrame(chat)])],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a parsed message', chat],
    ['an object with a throwing getter', getter],
    ['a Proxy whose traps throw', hostile],
    ['a String object', new String(encodeFrame(chat))],
  ])('rejects %s as not-text without throwing', (_, data) => {
    expectFailure(decodeFrame(data), 'not-text');
  });
});

describe('decodeFrame: size', () => {
  it('rejects a 1 MB frame as oversized without parsing it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    expectFailure(decodeFrame('{'.repeat(1024 * 1024)), 'oversized');
    expectFailure(decodeFrame(`${encodeFrame(chat)}${' '.repeat(1024 * 1024)}`), 'oversized');
    expect(parse).not.toHaveBeenCalled();
  });

  it('accepts a frame of exactly MAX_FRAME_BYTES and rejects one byte more', () => {
    const json = encodeFrame(chat);
    const exact = json.padEnd(MAX_FRAME_BYTES, ' ');
    expectOk(decodeFrame(exact), chat);
    expectFailure(decodeFrame(`${exact} `), 'oversized');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const message = { ...chat, text: '€'.repeat(MAX_MESSAGE_LENGTH) }; // 3 bytes each
    const json = encodeFrame(message);
    const padding = MAX_FRAME_BYTES - new TextEncoder().encode(json).byteLength;
    expectOk(decodeFrame(json + ' '.repeat(padding)), message);
    expectFailure(decodeFrame(json + ' '.repeat(padding + 1)), 'oversized');
  });

  it('counts a surrogate pair as 4 bytes', () => {
    const quarter = MAX_FRAME_BYTES / 4;
    expectFailure(decodeFrame('😀'.repeat(quarter)), 'malformed-json');
    expectFailure(decodeFrame('😀'.repeat(quarter + 1)), 'oversized');
  });
});

describe('decodeFrame: malformed JSON', () => {
  it.each([
    '',
    ' ',
    '{',
    '{"v":1',
    "{'v':1}",
    '{"v":1,}',
    'undefined',
    'NaN',
    '{"v":1} {}',
    '\u0000',
  ])('rejects %j', (frame) => expectFailure(decodeFrame(frame), 'malformed-json'));

  it('does not quote the frame in the detail', () => {
    const result = decodeFrame('{"v":1,"type":"chat","text":"SECRET');
    expect(!result.ok && result.detail).not.toContain('SECRET');
  });
});

describe('decodeFrame: version', () => {
  it.each([
    ['2', { ...chat, v: 2 }, 'v is 2'],
    ['"1"', { ...chat, v: '1' }, 'v is "1"'],
    ['missing', withField(chat, 'v', undefined), 'no "v" field'],
    ['null', { ...chat, v: null }, 'v is null'],
    ['0', { ...chat, v: 0 }, 'v is 0'],
    ['true', { ...chat, v: true }, 'v is true'],
    ['1.5', { ...chat, v: 1.5 }, 'v is 1.5'],
    ['[1]', { ...chat, v: [1] }, 'v is an array'],
    ['{}', { ...chat, v: {} }, 'v is an object'],
  ])('rejects v = %s as wrong-version', (_, frame, detail) => {
    expect(decodeValue(frame)).toEqual({ ok: false, reason: 'wrong-version', detail });
  });

  it('checks the version before the schema', () => {
    expectFailure(decodeValue({ v: 2, type: 'file-offer', size: 1 }), 'wrong-version');
    expectFailure(decodeValue({}), 'wrong-version');
  });

  it('clips a long version string in the detail', () => {
    const result = decodeValue({ ...chat, v: `1${'x'.repeat(10_000)}` });
    expectFailure(result, 'wrong-version');
    expect(!result.ok && result.detail.length).toBeLessThan(40);
  });

  it('does not take the version from a "__proto__" field', () => {
    const frame = '{"__proto__":{"v":1},"type":"contact-request","name":"Alice"}';
    expectFailure(decodeFrame(frame), 'wrong-version');
  });
});

describe('decodeFrame: hostile structure', () => {
  const depth = 10_000;
  const deepArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const deepObject = `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}`;

  it('survives deep nesting at the top level', () => {
    expectFailure(decodeFrame(deepArray), 'invalid');
    expectFailure(decodeFrame(deepObject), 'wrong-version');
  });

  it('survives deep nesting inside a field, in v and in an extra field', () => {
    const json = encodeFrame(chat);
    expectFailure(decodeFrame(json.replace(`"${ID}"`, deepArray)), 'invalid');
    expectFailure(decodeFrame(json.replace('"v":1', `"v":${deepArray}`)), 'wrong-version');
    expectFailure(decodeFrame(json.replace('{', `{"deep":${deepObject},`)), 'invalid');
  });
});
