import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import { MAX_FRAME_BYTES, type CallFrame, type DecodeResult } from './wire-message.ts';
import {
  CALL_END_REASONS,
  MAX_CANDIDATE_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_UFRAG_LENGTH,
} from './wire-schema.ts';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = {
  candidate: 'candidate:842163049 1 udp 1677729535 192.0.2.3 54400 typ srflx',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'EsAw',
};

const invite: CallFrame = { v: 1, type: 'call-invite', id: ID, video: true };
const answer: CallFrame = { v: 1, type: 'call-answer', id: ID, accept: false };
const offer: CallFrame = {
  v: 1,
  type: 'call-signal',
  id: ID,
  signal: { kind: 'description', description: { type: 'offer', sdp: SDP } },
};
const candidate: CallFrame = {
  v: 1,
  type: 'call-signal',
  id: ID,
  signal: { kind: 'candidate', candidate: CANDIDATE },
};
const gatheringDone: CallFrame = {
  v: 1,
  type: 'call-signal',
  id: ID,
  signal: { kind: 'candidate', candidate: null },
};
const media: CallFrame = {
  v: 1,
  type: 'call-media',
  id: ID,
  media: { muted: true, cameraOff: false, screen: true },
};
const end: CallFrame = { v: 1, type: 'call-end', id: ID, reason: 'busy' };
const ping: CallFrame = { v: 1, type: 'call-ping', id: ID };
const VALID = [invite, answer, offer, candidate, gatheringDone, media, end, ping];

function decodeValue(value: unknown): DecodeResult {
  return decodeFrame(JSON.stringify(value));
}

function expectInvalid(value: unknown): void {
  expect(decodeValue(value)).toMatchObject({ ok: false, reason: 'invalid' });
}

function withSignal(signal: unknown): unknown {
  return { ...offer, signal };
}

function withCandidate(fields: Record<string, unknown>): unknown {
  return withSignal({ kind: 'candidate', candidate: { ...CANDIDATE, ...fields } });
}

describe('decodeFrame: call frames', () => {
  it.each(VALID.map((frame) => [frame.type, frame]))('round-trips %s', (_, frame) => {
    expect(decodeFrame(encodeFrame(frame))).toEqual({ ok: true, message: frame });
  });

  it.each(VALID.map((frame) => [frame.type, frame]))('%s: rejects extra fields', (_, frame) => {
    expectInvalid({ ...frame, extra: 1 });
  });

  it.each(VALID.map((frame) => [frame.type, frame]))(
    '%s: rejects an id that is no UUID',
    (_, f) => {
      expectInvalid({ ...f, id: ID.toUpperCase() });
      expectInvalid({ ...f, id: undefined });
    },
  );

  it('accepts every end reason of the contract, and no other', () => {
    for (const reason of CALL_END_REASONS)
      expect(decodeValue({ ...end, reason })).toEqual({ ok: true, message: { ...end, reason } });
    expectInvalid({ ...end, reason: 'timeout' });
    expectInvalid({ ...end, reason: undefined });
  });

  it('call-invite and call-answer: booleans only', () => {
    expectInvalid({ ...invite, video: 'true' });
    expectInvalid({ ...invite, video: 1 });
    expectInvalid({ ...answer, accept: null });
  });

  it('call-media: all three booleans, nothing else', () => {
    expectInvalid({ ...media, media: { muted: true, cameraOff: false } });
    expectInvalid({ ...media, media: { muted: true, cameraOff: false, screen: false, x: 1 } });
    expectInvalid({ ...media, media: { muted: 'no', cameraOff: false, screen: false } });
  });

  it('sdp: up to MAX_SDP_LENGTH characters, and the longest fits a frame', () => {
    const longest = 'a'.repeat(MAX_SDP_LENGTH);
    const frame = withSignal({
      kind: 'description',
      description: { type: 'answer', sdp: longest },
    });
    expect(decodeValue(frame).ok).toBe(true);
    expectInvalid(
      withSignal({ kind: 'description', description: { type: 'answer', sdp: `${longest}a` } }),
    );
    // Every character escaped by JSON still fits.
    const escaped = withSignal({
      kind: 'description',
      description: { type: 'offer', sdp: '"'.repeat(MAX_SDP_LENGTH) },
    });
    expect(new TextEncoder().encode(JSON.stringify(escaped)).length).toBeLessThan(MAX_FRAME_BYTES);
    expect(decodeValue(escaped).ok).toBe(true);
  });

  it.each([
    ['a NUL', 'v=0\u0000'],
    ['an escape character', 'v=0\u001b[31m'],
    ['non-ASCII', 'v=0\r\ns=café\r\n'],
    ['a lone surrogate', 'v=0\ud800'],
  ])('sdp: refuses %s', (_, sdp) => {
    expectInvalid(withSignal({ kind: 'description', description: { type: 'offer', sdp } }));
  });

  it('description: only offers and answers, with an sdp string', () => {
    expectInvalid(withSignal({ kind: 'description', description: { type: 'pranswer', sdp: SDP } }));
    expectInvalid(withSignal({ kind: 'description', description: { type: 'rollback', sdp: '' } }));
    expectInvalid(withSignal({ kind: 'description', description: { type: 'offer' } }));
    expectInvalid(withSignal({ kind: 'description', description: { type: 'offer', sdp: 5 } }));
    expectInvalid(withSignal({ kind: 'description', description: null }));
  });

  it('candidate: every field present, each within its limit', () => {
    expect(decodeValue(withCandidate({ candidate: '' })).ok).toBe(true);
    expect(
      decodeValue(withCandidate({ sdpMid: null, sdpMLineIndex: null, usernameFragment: null })).ok,
    ).toBe(true);
    expectInvalid(withCandidate({ candidate: 'a'.repeat(MAX_CANDIDATE_LENGTH + 1) }));
    expectInvalid(withCandidate({ sdpMid: 'a'.repeat(MAX_SDP_MID_LENGTH + 1) }));
    expectInvalid(withCandidate({ usernameFragment: 'a'.repeat(MAX_UFRAG_LENGTH + 1) }));
    expectInvalid(withCandidate({ sdpMLineIndex: -1 }));
    expectInvalid(withCandidate({ sdpMLineIndex: 1024 }));
    expectInvalid(withCandidate({ sdpMLineIndex: 0.5 }));
    expectInvalid(withCandidate({ candidate: null }));
    expectInvalid(withCandidate({ candidate: 'candidate:1\r\na=inject' + '\u0000' }));
    expectInvalid(withCandidate({ sdpMid: undefined }));
    expectInvalid(withCandidate({ extra: true }));
  });

  it('signal: a known kind with its own field only', () => {
    expectInvalid(withSignal({ kind: 'renegotiate' }));
    expectInvalid(withSignal({ kind: 'candidate' }));
    expectInvalid(withSignal({ kind: 'description', candidate: null }));
    expectInvalid(withSignal(null));
    expectInvalid(withSignal('offer'));
  });

  it('encodeFrame writes only the contract’s fields of a signal from a page', () => {
    const fromPage = {
      ...candidate,
      signal: {
        kind: 'candidate',
        candidate: { ...CANDIDATE, foundation: '842163049', toJSON: undefined },
      },
    } as unknown as CallFrame;
    expect(decodeFrame(encodeFrame(fromPage))).toEqual({ ok: true, message: candidate });
  });
});
