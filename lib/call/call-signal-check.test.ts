import { describe, expect, it } from 'vitest';
import { isCallSignal } from './call-signal-check.ts';

describe('isCallSignal', () => {
  it('accepts descriptions and candidates, including the end of candidates', () => {
    expect(isCallSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' } })).toBe(
      true,
    );
    expect(isCallSignal({ kind: 'candidate', candidate: null })).toBe(true);
    expect(
      isCallSignal({
        kind: 'candidate',
        candidate: {
          candidate: 'candidate:1',
          sdpMid: null,
          sdpMLineIndex: 0,
          usernameFragment: null,
        },
      }),
    ).toBe(true);
  });

  it.each([
    null,
    'offer',
    { kind: 'description', description: { type: 'rollback', sdp: 'v=0' } },
    { kind: 'description', description: { type: 'offer', sdp: '' } },
    { kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(100_001) } },
    {
      kind: 'candidate',
      candidate: { candidate: 1, sdpMid: null, sdpMLineIndex: 0, usernameFragment: null },
    },
    {
      kind: 'candidate',
      candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: -1, usernameFragment: null },
    },
    { kind: 'candidate' },
    { kind: 'hello' },
  ])('refuses %o', (value) => expect(isCallSignal(value)).toBe(false));
});
