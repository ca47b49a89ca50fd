import { describe, expect, it } from 'vitest';
import type { CallSummary } from '../lib/call/call-types.ts';
import { callNote, cannotCall, endedCallsWith, formatDuration, ringingIn } from './call-note.ts';

const call = (change: Partial<CallSummary>): CallSummary => ({
  callId: 'c1',
  peerId: 'bob',
  direction: 'in',
  video: false,
  state: 'ended',
  endReason: 'unanswered',
  startedAt: 1_000,
  answeredAt: null,
  endedAt: 46_000,
  remoteMedia: { muted: false, cameraOff: false, screen: false },
  ...change,
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [44_600, '45 s'],
    [185_000, '3 min 05 s'],
    [3_720_000, '1 h 02 min'],
    [-5, '0 s'],
  ])('%i ms is "%s"', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('callNote', () => {
  it.each<[Partial<CallSummary>, string]>([
    [{ endReason: 'unanswered' }, 'Missed call'],
    [{ endReason: 'cancelled', video: true }, 'Missed video call'],
    [{ endReason: 'unanswered', direction: 'out' }, 'Bob did not answer your call'],
    [{ endReason: 'declined' }, 'You declined a call'],
    [{ endReason: 'declined', direction: 'out', video: true }, 'Bob declined your video call'],
    [{ endReason: 'busy' }, 'Missed call (you were in another call)'],
    [{ endReason: 'busy', direction: 'out' }, 'Bob was in another call'],
    [{ endReason: 'lost', direction: 'out' }, 'Call to Bob lost the connection'],
    [{ endReason: 'hangup', answeredAt: 1_000, endedAt: 186_000 }, 'Call, 3 min 05 s'],
    [
      { endReason: 'lost', answeredAt: 1_000, endedAt: 31_000, video: true },
      'Video call lost the connection after 30 s',
    ],
  ])('%o: "%s"', (change, text) => expect(callNote(call(change), 'Bob')).toBe(text));
});

describe('endedCallsWith', () => {
  it('keeps one contact’s ended calls, oldest first', () => {
    const calls = [
      call({ callId: 'b', startedAt: 20 }),
      call({ callId: 'x', peerId: 'carol' }),
      call({ callId: 'r', state: 'ringing', endReason: null }),
      call({ callId: 'a', startedAt: 10 }),
    ];
    expect(endedCallsWith(calls, 'bob').map((c) => c.callId)).toEqual(['a', 'b']);
  });
});

describe('ringingIn', () => {
  it('finds the incoming call that rings, not an outgoing one', () => {
    const out = call({ callId: 'o', direction: 'out', state: 'ringing', endReason: null });
    const incoming = call({ callId: 'i', state: 'ringing', endReason: null });
    expect(ringingIn([out])).toBeNull();
    expect(ringingIn([call({}), out, incoming])).toBe(incoming);
    expect(ringingIn(undefined)).toBeNull();
  });
});

describe('cannotCall', () => {
  const online = { status: 'accepted', online: true, alarm: null } as const;
  it('says why a contact cannot be called now', () => {
    expect(cannotCall(online, 'Bob', [])).toBeNull();
    expect(cannotCall({ ...online, online: false }, 'Bob', [])).toBe('Bob is offline.');
    expect(cannotCall({ ...online, status: 'outgoing' }, 'Bob', [])).toBe(
      'Bob has to accept you first.',
    );
    expect(cannotCall(online, 'Bob', [call({ state: 'active', endReason: null })])).toBe(
      'You are already in a call.',
    );
    expect(cannotCall(online, 'Bob', [call({})])).toBeNull();
    const failed = { kind: 'handshake-failed', at: 1, detail: '' } as const;
    expect(cannotCall({ ...online, alarm: failed }, 'Bob', [])).toBe(
      'Calls wait until the identity warning is resolved.',
    );
  });
});
