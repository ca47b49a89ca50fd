import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeFrame } from '../wire/encode-frame.ts';
import type { CallSummary } from './call-types.ts';
import { CallPair, type CallSide } from './testing/call-pair.ts';

const ALICE = 'alice-peer';
const BOB = 'bob-peer';
const CAROL = 'carol-peer';

/** Short enough for a unit test, in the same proportions as the real ones. */
const TIMING = { ringTimeoutMs: 400, pingIntervalMs: 20, silenceLimitMs: 150 };

let pair: CallPair;
let alice: CallSide;
let bob: CallSide;

beforeEach(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  pair = new CallPair(TIMING);
  alice = await pair.side(ALICE, BOB);
  bob = await pair.side(BOB, ALICE);
});

afterEach(async () => {
  await pair.close();
  vi.restoreAllMocks();
});

function call(side: CallSide, callId: string): CallSummary | undefined {
  return side.service.summaries().find((summary) => summary.callId === callId);
}

/** Waits until both sides hold the call in `state` (and with `endReason`, if ended). */
async function bothReach(
  callId: string,
  state: CallSummary['state'],
  endReason: CallSummary['endReason'] = null,
): Promise<void> {
  await vi.waitFor(() => {
    for (const side of [alice, bob]) expect(call(side, callId)).toMatchObject({ state, endReason });
  });
}

function ring(video = true): string {
  const result = alice.service.startCall(BOB, video);
  if (!result.ok) throw new Error(result.error);
  return result.callId;
}

async function ringAndAnswer(): Promise<string> {
  const callId = ring();
  await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
  expect(bob.service.answerCall(callId, true)).toEqual({ ok: true });
  await bothReach(callId, 'connecting');
  return callId;
}

function logged(event: string): boolean {
  const calls = [...vi.mocked(console.info).mock.calls, ...vi.mocked(console.warn).mock.calls];
  return calls.some((args) => JSON.stringify(args).includes(event));
}

describe('CallService: ringing', () => {
  it('rings the contact and opens the call page on the caller’s side', async () => {
    const callId = ring(false);
    expect(alice.openedPages).toEqual([callId]);
    expect(call(alice, callId)).toMatchObject({
      peerId: BOB,
      direction: 'out',
      video: false,
      state: 'ringing',
      answeredAt: null,
    });
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    expect(bob.ringing[0]).toMatchObject({ callId, peerId: ALICE, direction: 'in', video: false });
    expect(call(bob, callId)?.state).toBe('ringing');
    expect(bob.openedPages).toEqual([]);
  });

  it('refuses to call a contact who is offline, with their name', () => {
    pair.up = false;
    expect(alice.service.startCall(BOB, true)).toEqual({
      ok: false,
      error: `Contact ${BOB} is offline.`,
    });
    expect(alice.service.summaries()).toEqual([]);
    expect(alice.openedPages).toEqual([]);
  });

  it('refuses to call someone who is not an accepted contact', () => {
    expect(alice.service.startCall(CAROL, true)).toEqual({
      ok: false,
      error: 'You can only call your contacts.',
    });
  });

  it('does not ring for someone who is not an accepted contact, whoever passes the invite on', () => {
    pair.inject(
      bob,
      CAROL,
      JSON.stringify({ v: 1, type: 'call-invite', id: crypto.randomUUID(), video: true }),
    );
    expect(bob.ringing).toEqual([]);
    expect(bob.service.summaries()).toEqual([]);
  });

  it('makes one call at a time', async () => {
    ring();
    expect(alice.service.startCall(BOB, true)).toEqual({
      ok: false,
      error: 'You are already in a call.',
    });
  });

  it('answers a second invite with busy, and notes the missed call', async () => {
    const first = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    const second = crypto.randomUUID();
    pair.inject(bob, ALICE, encodeFrame({ v: 1, type: 'call-invite', id: second, video: true }));
    // Alice's side does not know `second` (it was injected), so only Bob's record counts.
    expect(call(bob, second)).toMatchObject({ state: 'ended', endReason: 'busy' });
    expect(call(bob, first)?.state).toBe('ringing');
    expect(bob.ringing).toHaveLength(1);
    await vi.waitFor(() =>
      expect(alice.received).toContainEqual({ v: 1, type: 'call-end', id: second, reason: 'busy' }),
    );
  });

  it('ends as unanswered on both sides when nobody answers in time', async () => {
    const callId = ring();
    await bothReach(callId, 'ended', 'unanswered');
    expect(call(bob, callId)?.answeredAt).toBeNull();
  });

  it('cancels a ringing call when the caller hangs up', async () => {
    const callId = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    expect(alice.service.endCall(callId)).toEqual({ ok: true });
    await bothReach(callId, 'ended', 'cancelled');
  });
});

describe('CallService: answering', () => {
  it('accepts: opens the callee’s call page, and both connect', async () => {
    const before = Date.now();
    const callId = await ringAndAnswer();
    expect(bob.openedPages).toEqual([callId]);
    expect(call(bob, callId)?.answeredAt).toBeGreaterThanOrEqual(before);
    expect(call(alice, callId)?.answeredAt).toBeGreaterThanOrEqual(before);
  });

  it('declines: ends as declined on both sides, no page opens', async () => {
    const callId = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    expect(bob.service.answerCall(callId, false)).toEqual({ ok: true });
    await bothReach(callId, 'ended', 'declined');
    expect(bob.openedPages).toEqual([]);
    expect(bob.received.at(-1)?.type).not.toBe('call-end');
    expect(alice.received.some((frame) => frame.type === 'call-end')).toBe(true);
  });

  it('a call-answer that declines ends the call as declined too', async () => {
    const callId = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    pair.inject(alice, BOB, encodeFrame({ v: 1, type: 'call-answer', id: callId, accept: false }));
    expect(call(alice, callId)).toMatchObject({ state: 'ended', endReason: 'declined' });
  });

  it('cannot answer twice, nor a call that was not ringing in', async () => {
    const callId = await ringAndAnswer();
    expect(bob.service.answerCall(callId, true)).toMatchObject({ ok: false });
    expect(alice.service.answerCall(callId, true)).toMatchObject({ ok: false });
    expect(bob.service.answerCall(crypto.randomUUID(), true)).toMatchObject({ ok: false });
  });

  it('does not time out once answered', async () => {
    const callId = await ringAndAnswer();
    await new Promise((resolve) => setTimeout(resolve, TIMING.ringTimeoutMs + 100));
    expect(call(alice, callId)?.state).toBe('connecting');
    expect(call(bob, callId)?.state).toBe('connecting');
  });
});

describe('CallService: a connected call', () => {
  it('relays signals to the other page as events, and media to the other summary', async () => {
    const callId = await ringAndAnswer();
    const signal = {
      kind: 'description',
      description: { type: 'offer', sdp: 'v=0\r\n' },
    } as const;
    expect(alice.service.sendSignal(callId, signal)).toEqual({ ok: true });
    await vi.waitFor(() =>
      expect(bob.events).toContainEqual({ type: 'call-signal', callId, signal }),
    );
    const media = { muted: true, cameraOff: true, screen: false };
    expect(bob.service.setMedia(callId, media)).toEqual({ ok: true });
    await vi.waitFor(() => expect(call(alice, callId)?.remoteMedia).toEqual(media));
  });

  it('refuses a signal the peer would refuse, and signals before the answer', async () => {
    const callId = ring();
    const signal = { kind: 'candidate', candidate: null } as const;
    expect(alice.service.sendSignal(callId, signal)).toMatchObject({ ok: false });
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    bob.service.answerCall(callId, true);
    await bothReach(callId, 'connecting');
    const bad = { kind: 'description', description: { type: 'offer', sdp: 'v=0\u0000' } };
    expect(alice.service.sendSignal(callId, bad as never)).toEqual({
      ok: false,
      error: 'That is not a valid call signal.',
    });
  });

  it('becomes active when the page says media flows', async () => {
    const callId = await ringAndAnswer();
    expect(alice.service.connected(callId)).toEqual({ ok: true });
    expect(call(alice, callId)?.state).toBe('active');
  });

  it('hangs up on both sides, with the time it ended', async () => {
    const callId = await ringAndAnswer();
    alice.service.connected(callId);
    expect(bob.service.endCall(callId)).toEqual({ ok: true });
    await bothReach(callId, 'ended', 'hangup');
    expect(call(alice, callId)?.endedAt).toBeGreaterThanOrEqual(call(alice, callId)!.answeredAt!);
    expect(bob.service.endCall(callId)).toMatchObject({ ok: false });
  });

  it('ends as failed on both sides when a call page gives up', async () => {
    const callId = await ringAndAnswer();
    expect(alice.service.endCall(callId, true)).toEqual({ ok: true });
    await bothReach(callId, 'ended', 'failed');
  });

  it('ends as lost within the silence limit when the other side goes quiet', async () => {
    const callId = await ringAndAnswer();
    bob.silent = true;
    await vi.waitFor(() => expect(call(alice, callId)).toMatchObject({ endReason: 'lost' }), {
      timeout: TIMING.silenceLimitMs * 4,
    });
    expect(logged('call-silent')).toBe(true);
  });

  it('keeps a quiet call while pings arrive', async () => {
    const callId = await ringAndAnswer();
    await new Promise((resolve) => setTimeout(resolve, TIMING.silenceLimitMs * 2));
    expect(call(alice, callId)?.state).toBe('connecting');
  });

  it('ends as lost on both sides when the contact’s link closes', async () => {
    const callId = await ringAndAnswer();
    pair.disconnect();
    expect(call(alice, callId)).toMatchObject({ state: 'ended', endReason: 'lost' });
    expect(call(bob, callId)).toMatchObject({ state: 'ended', endReason: 'lost' });
  });
});

describe('CallService: untrusted frames', () => {
  it('drops frames for unknown calls, and another peer’s call, with a log line', async () => {
    const callId = await ringAndAnswer();
    const unknown = crypto.randomUUID();
    pair.inject(alice, BOB, encodeFrame({ v: 1, type: 'call-end', id: unknown, reason: 'hangup' }));
    pair.inject(
      alice,
      CAROL,
      encodeFrame({ v: 1, type: 'call-end', id: callId, reason: 'hangup' }),
    );
    expect(call(alice, callId)?.state).toBe('connecting');
    expect(call(alice, unknown)).toBeUndefined();
    expect(logged('call-frame-ignored')).toBe(true);
  });

  it('drops frames in the wrong state', async () => {
    const callId = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    // Signals before the answer, an answer from the caller, an invite replayed.
    const signal = { kind: 'candidate', candidate: null } as const;
    pair.inject(bob, ALICE, encodeFrame({ v: 1, type: 'call-signal', id: callId, signal }));
    pair.inject(bob, ALICE, encodeFrame({ v: 1, type: 'call-answer', id: callId, accept: true }));
    pair.inject(bob, ALICE, encodeFrame({ v: 1, type: 'call-invite', id: callId, video: false }));
    expect(bob.events).toEqual([]);
    expect(call(bob, callId)).toMatchObject({ state: 'ringing', video: true });
    expect(bob.ringing).toHaveLength(1);
  });

  it('ignores frames about a call that ended', async () => {
    const callId = ring();
    alice.service.endCall(callId);
    const media = { muted: true, cameraOff: false, screen: false };
    pair.inject(alice, BOB, encodeFrame({ v: 1, type: 'call-media', id: callId, media }));
    pair.inject(alice, BOB, encodeFrame({ v: 1, type: 'call-end', id: callId, reason: 'busy' }));
    expect(call(alice, callId)).toMatchObject({
      endReason: 'cancelled',
      remoteMedia: { muted: false },
    });
  });

  it('refuses requests for calls that do not exist, without throwing', () => {
    const id = crypto.randomUUID();
    expect(alice.service.endCall(id)).toMatchObject({ ok: false });
    expect(alice.service.connected(id)).toMatchObject({ ok: false });
    expect(
      alice.service.setMedia(id, { muted: false, cameraOff: false, screen: false }),
    ).toMatchObject({
      ok: false,
    });
    expect(alice.service.sendSignal(id, { kind: 'candidate', candidate: null })).toMatchObject({
      ok: false,
    });
  });
});

describe('CallService: records', () => {
  it('keeps ended calls across a restart, and forgets a removed contact’s', async () => {
    const callId = ring();
    await vi.waitFor(() => expect(bob.ringing).toHaveLength(1));
    bob.service.answerCall(callId, false);
    await bothReach(callId, 'ended', 'declined');
    await vi.waitFor(async () => expect(await bob.store.latest(10)).toHaveLength(1));

    bob.service = pair.serviceFor(bob);
    await bob.service.start();
    expect(bob.service.summaries()).toEqual([
      expect.objectContaining({ callId, direction: 'in', endReason: 'declined' }),
    ]);

    await bob.service.forgetPeer(ALICE);
    expect(bob.service.summaries()).toEqual([]);
    expect(await bob.store.latest(10)).toEqual([]);
  });
});
