import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallSession, type CallEnvironment } from './call-session.ts';
import type { CallSignal, CallSummary } from './call-types.ts';
import { callSummary, FakeCallHost } from './testing/fake-call-host.ts';
import {
  FakeMediaDevices,
  FakeStream,
  FakeTrack,
  type FakeDevicesOptions,
} from './testing/fake-media.ts';
import { FakePeerConnection } from './testing/fake-peer-connection.ts';

afterEach(() => vi.useRealTimers());

function setUp(summary: Partial<CallSummary> = {}, devices: FakeDevicesOptions = {}) {
  const host = new FakeCallHost([callSummary(summary)]);
  const media = new FakeMediaDevices(devices);
  const connections: FakePeerConnection[] = [];
  const env = {
    createPeerConnection: (config: RTCConfiguration) => {
      const pc = new FakePeerConnection(config);
      connections.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    createStream: (tracks?: MediaStreamTrack[]) =>
      new FakeStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream,
    mediaDevices: media as unknown as CallEnvironment['mediaDevices'],
  };
  const session = new CallSession('call-1', host, env, { findCallTimeoutMs: 50 });
  const pc = () => {
    const connection = connections[0];
    if (!connection) throw new Error('no connection yet');
    return connection;
  };
  return { host, media, session, pc, connections };
}

/** Lets queued promise steps (negotiation runs one step at a time) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const offer: CallSignal = {
  kind: 'description',
  description: { type: 'offer', sdp: 'their-offer' },
};
const answer: CallSignal = {
  kind: 'description',
  description: { type: 'answer', sdp: 'their-answer' },
};
const candidate = (n: number): CallSignal => ({
  kind: 'candidate',
  candidate: {
    candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${5000 + n} typ host`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'u',
  },
});

describe('negotiation', () => {
  it('the caller offers only once the callee accepted (connecting), with the settings’ ICE servers', async () => {
    const { host, session, pc } = setUp({ direction: 'out', state: 'ringing' });
    await session.start();
    await settle();
    expect(pc().config.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
    expect(host.sent('sendCallSignal')).toEqual([]);
    expect(pc().localDescription).toBeNull();

    host.setCall(callSummary({ state: 'connecting', answeredAt: 2_000 }));
    await settle();
    expect(host.sent('sendCallSignal')).toEqual([
      {
        callId: 'call-1',
        signal: { kind: 'description', description: { type: 'offer', sdp: 'offer-1' } },
      },
    ]);
    host.setCall(callSummary({ state: 'connecting', answeredAt: 2_000 }));
    await settle();
    expect(host.sent('sendCallSignal')).toHaveLength(1); // one offer, not one per state
  });

  it('the callee answers the offer and sends no offer of its own', async () => {
    const { host, session, pc } = setUp({ direction: 'in', state: 'connecting' });
    await session.start();
    host.emit({ type: 'call-signal', callId: 'call-1', signal: offer });
    await settle();
    expect(pc().remoteDescription).toEqual({ type: 'offer', sdp: 'their-offer' });
    expect(host.sent('sendCallSignal').map((params) => params.signal)).toEqual([
      { kind: 'description', description: { type: 'answer', sdp: 'answer-to-their-offer' } },
    ]);
  });

  it('queues candidates until the remote description is set, then applies them in order', async () => {
    const { host, session, pc } = setUp({ direction: 'in', state: 'connecting' });
    await session.start();
    host.emit({ type: 'call-signal', callId: 'call-1', signal: candidate(1) });
    host.emit({ type: 'call-signal', callId: 'call-1', signal: candidate(2) });
    await settle();
    expect(pc().addedCandidates).toEqual([]);
    host.emit({ type: 'call-signal', callId: 'call-1', signal: offer });
    host.emit({ type: 'call-signal', callId: 'call-1', signal: candidate(3) });
    await settle();
    expect(pc().addedCandidates.map((added) => added.candidate)).toEqual([
      expect.stringContaining('candidate:1 '),
      expect.stringContaining('candidate:2 '),
      expect.stringContaining('candidate:3 '),
    ]);
  });

  it('keeps signals that arrive while media is still starting, and ignores other calls’ and malformed ones', async () => {
    const { host, session, pc } = setUp({ direction: 'in', state: 'connecting' });
    const starting = session.start();
    host.emit({ type: 'call-signal', callId: 'call-1', signal: offer });
    host.emit({ type: 'call-signal', callId: 'other-call', signal: candidate(9) });
    host.emit({
      type: 'call-signal',
      callId: 'call-1',
      signal: {
        kind: 'description',
        description: { type: 'pranswer', sdp: 42 },
      } as unknown as CallSignal,
    });
    await starting;
    await settle();
    expect(pc().remoteDescription?.sdp).toBe('their-offer');
    expect(pc().addedCandidates).toEqual([]);
    expect(session.snapshot.error).toBeNull();
  });

  it('sends every local candidate through the host, and the end of gathering as null', async () => {
    const { host, session, pc } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    pc().emitCandidate({
      candidate: 'candidate:7',
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'x',
    });
    pc().emitCandidate(null);
    const candidates = host
      .sent('sendCallSignal')
      .filter((params) => params.signal.kind === 'candidate');
    expect(candidates.map((params) => params.signal)).toEqual([
      {
        kind: 'candidate',
        candidate: {
          candidate: 'candidate:7',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'x',
        },
      },
      { kind: 'candidate', candidate: null },
    ]);
  });

  it('the caller repeats its offer until answered (the callee’s page may not have listened yet)', async () => {
    vi.useFakeTimers();
    const { host, session, pc } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.sent('sendCallSignal')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(host.sent('sendCallSignal').map((params) => params.signal)).toEqual([
      { kind: 'description', description: { type: 'offer', sdp: 'offer-1' } },
      { kind: 'description', description: { type: 'offer', sdp: 'offer-1' } },
    ]);
    host.emit({ type: 'call-signal', callId: 'call-1', signal: answer });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pc().remoteDescription?.sdp).toBe('their-answer');
    expect(host.sent('sendCallSignal')).toHaveLength(2);
  });

  it('ends the call as failed when it negotiates but never connects, on either side', async () => {
    vi.useFakeTimers();
    for (const direction of ['out', 'in'] as const) {
      const { host, session, pc, media } = setUp({ direction, state: 'connecting' });
      await session.start();
      if (direction === 'in') host.emit({ type: 'call-signal', callId: 'call-1', signal: offer });
      await vi.advanceTimersByTimeAsync(29_000);
      expect(host.sent('endCall')).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(host.sent('endCall')).toEqual([{ callId: 'call-1', reason: 'failed' }]);
      expect(session.snapshot.error).toMatch(/could not connect/);
      expect(media.issued.every((track) => track.readyState === 'ended')).toBe(true);
      expect(pc().closed).toBe(true);
    }
  });

  it('does not end a call that connected in time', async () => {
    vi.useFakeTimers();
    const { host, session, pc } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    await vi.advanceTimersByTimeAsync(5_000);
    pc().setConnectionState('connected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(host.sent('endCall')).toEqual([]);
  });

  it('reports connected once, and ends the call as failed when the connection fails', async () => {
    const { host, session, pc, media } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    pc().setConnectionState('connected');
    pc().setConnectionState('disconnected');
    expect(session.snapshot.reconnecting).toBe(true);
    pc().setConnectionState('connected');
    expect(host.sent('callConnected')).toEqual([{ callId: 'call-1' }]);

    pc().setConnectionState('failed');
    expect(host.sent('endCall')).toEqual([{ callId: 'call-1', reason: 'failed' }]);
    expect(session.snapshot.phase).toBe('ended');
    expect(session.snapshot.error).toMatch(/connection to them failed/);
    expect(media.issued.every((track) => track.readyState === 'ended')).toBe(true);
    expect(pc().closed).toBe(true);
  });
});

describe('media', () => {
  it('gets the camera and microphone for a video call and tells the host its media', async () => {
    const { host, session, media, pc } = setUp({ video: true });
    await session.start();
    expect(media.requests[0]).toEqual({ audio: true, video: true });
    expect(pc().transceivers.map((transceiver) => transceiver.sender.track?.label)).toEqual([
      'mic',
      'camera',
    ]);
    expect(session.snapshot.hasCamera).toBe(true);
    expect(host.sent('setCallMedia')).toEqual([
      { callId: 'call-1', media: { muted: false, cameraOff: false, screen: false } },
    ]);
  });

  it('falls back to audio only with a message when the camera is denied, keeping a video line', async () => {
    const { host, session, pc } = setUp({ video: true }, { cameraError: 'NotAllowedError' });
    await session.start();
    expect(session.snapshot.notice).toMatch(/Camera access is blocked.*audio only/);
    expect(session.snapshot.hasCamera).toBe(false);
    expect(session.snapshot.phase).not.toBe('ended');
    expect(
      pc().transceivers.map((transceiver) => [
        transceiver.receiver.track.kind,
        transceiver.direction,
      ]),
    ).toEqual([
      ['audio', 'sendrecv'],
      ['video', 'sendrecv'],
    ]);
    expect(host.sent('setCallMedia').at(-1)?.media).toEqual({
      muted: false,
      cameraOff: true,
      screen: false,
    });
  });

  it('says so and ends the call as failed when the microphone is unavailable too', async () => {
    const { host, session, connections } = setUp(
      { video: true },
      { cameraError: 'NotFoundError', microphoneError: 'NotFoundError' },
    );
    await session.start();
    expect(session.snapshot.error).toBe('No microphone was found. Connect one, then call again.');
    expect(session.snapshot.phase).toBe('ended');
    expect(host.sent('endCall')).toEqual([{ callId: 'call-1', reason: 'failed' }]);
    expect(connections).toEqual([]);
  });

  it('mute and camera off disable the tracks and tell the host', async () => {
    const { host, session, media } = setUp();
    await session.start();
    const [mic, camera] = media.issued;
    session.toggleMute();
    session.toggleCamera();
    expect(mic?.enabled).toBe(false);
    expect(camera?.enabled).toBe(false);
    expect(host.sent('setCallMedia').at(-1)?.media).toEqual({
      muted: true,
      cameraOff: true,
      screen: false,
    });
    session.toggleMute();
    expect(mic?.enabled).toBe(true);
    expect(host.sent('setCallMedia').at(-1)?.media).toEqual({
      muted: false,
      cameraOff: true,
      screen: false,
    });
  });

  it('shares the screen on the same video sender, and goes back to the camera when sharing stops', async () => {
    const { host, session, pc, media } = setUp();
    await session.start();
    const camera = media.issued[1];
    await session.startScreenShare();
    const screen = media.issued[2];
    expect(screen?.label).toBe('screen:0');
    expect(pc().videoSender?.track).toBe(screen);
    expect(host.sent('setCallMedia').at(-1)?.media.screen).toBe(true);
    expect(session.snapshot.previewStream?.getVideoTracks()[0]).toBe(screen);

    screen?.endFromOutside(); // the browser's "Stop sharing"
    await settle();
    expect(pc().videoSender?.track).toBe(camera);
    expect(host.sent('setCallMedia').at(-1)?.media.screen).toBe(false);
    expect(camera?.readyState).toBe('live');
  });

  it('a cancelled screen picker leaves the camera on and says so', async () => {
    const { session, pc, media } = setUp({}, { screenError: 'NotAllowedError' });
    await session.start();
    await session.startScreenShare();
    expect(pc().videoSender?.track).toBe(media.issued[1]);
    expect(session.snapshot.media.screen).toBe(false);
    expect(session.snapshot.notice).toBe('Screen sharing was cancelled.');
  });

  it('lists devices and switches the camera and microphone by replacing tracks', async () => {
    const { session, pc, media } = setUp();
    await session.start();
    await session.refreshDevices();
    expect(session.snapshot.cameras).toEqual([
      { deviceId: 'camera-device', label: 'Front camera' },
      { deviceId: 'other-camera', label: 'Camera 2' },
    ]);
    expect(session.snapshot.cameraId).toBe('camera-device');
    const [oldMic, oldCamera] = media.issued;
    session.toggleMute();
    await session.selectCamera('other-camera');
    await session.selectMicrophone('headset');
    expect(pc().videoSender?.track?.deviceId).toBe('other-camera');
    expect(oldCamera?.readyState).toBe('ended');
    expect(oldMic?.readyState).toBe('ended');
    const newMic = pc().transceivers[0]?.sender.track;
    expect(newMic?.deviceId).toBe('headset');
    expect(newMic?.enabled).toBe(false); // still muted
    expect(session.snapshot.microphoneId).toBe('headset');
  });
});

describe('ending', () => {
  it('stops every track and closes the connection when the host says the call ended', async () => {
    const { host, session, pc, media } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    await session.startScreenShare();
    const remote = new FakeTrack('video', 'remote');
    pc().emitTrack(remote);
    host.setCall(callSummary({ state: 'ended', endReason: 'hangup', endedAt: 9_000 }));
    expect(media.issued).toHaveLength(3);
    expect(media.issued.every((track) => track.readyState === 'ended')).toBe(true);
    expect(remote.readyState).toBe('ended');
    expect(pc().closed).toBe(true);
    expect(session.snapshot).toMatchObject({ phase: 'ended', endedText: 'The call ended.' });
  });

  it('says the callee declined', async () => {
    const { host, session } = setUp({ direction: 'out', state: 'ringing' });
    await session.start();
    host.setCall(callSummary({ state: 'ended', endReason: 'declined' }));
    expect(session.snapshot.endedText).toBe('They declined the call.');
  });

  it('hanging up asks the host to end it and releases the devices at once', async () => {
    const { host, session, pc, media } = setUp({ direction: 'in', state: 'connecting' });
    await session.start();
    await session.hangUp();
    expect(host.sent('endCall')).toEqual([{ callId: 'call-1' }]);
    expect(media.issued.every((track) => track.readyState === 'ended')).toBe(true);
    expect(pc().closed).toBe(true);
    session.toggleMute();
    await session.startScreenShare();
    expect(media.issued).toHaveLength(2); // nothing starts again after the end
  });

  it('closing the page ends a running call', async () => {
    const { host, session, media } = setUp({ direction: 'out', state: 'connecting' });
    await session.start();
    session.close();
    expect(host.sent('endCall')).toEqual([{ callId: 'call-1' }]);
    expect(media.issued.every((track) => track.readyState === 'ended')).toBe(true);
  });

  it('a call the host does not know shows why, without touching the devices', async () => {
    const { session, media } = setUp({ callId: 'someone-else' });
    await session.start();
    expect(session.snapshot.phase).toBe('ended');
    expect(session.snapshot.endedText).toMatch(/does not know this call/);
    expect(media.requests).toEqual([]);
  });

  it('a page that opens on an ended call shows its reason and asks for no media', async () => {
    const { session, media } = setUp({ direction: 'out', state: 'ended', endReason: 'offline' });
    await session.start();
    expect(session.snapshot.endedText).toBe('They are offline, so the call could not ring.');
    expect(media.requests).toEqual([]);
  });
});

describe('quality', () => {
  it('samples getStats every 2 s once connected', async () => {
    vi.useFakeTimers();
    const { session, pc } = setUp({ direction: 'in', state: 'connecting' });
    await session.start();
    pc().stats = [
      { type: 'transport', selectedCandidatePairId: 'p1' },
      { type: 'candidate-pair', id: 'p1', currentRoundTripTime: 0.9 },
    ];
    pc().setConnectionState('connected');
    expect(session.snapshot.quality).toBeNull();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(session.snapshot.quality).toBe('poor');
    pc().stats = [
      { type: 'transport', selectedCandidatePairId: 'p1' },
      { type: 'candidate-pair', id: 'p1', currentRoundTripTime: 0.02 },
      { type: 'inbound-rtp', packetsLost: 0, packetsReceived: 500, jitter: 0.004 },
    ];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(session.snapshot.quality).toBe('good');
  });
});

describe('device switching', () => {
  it('a sender that refuses the new camera keeps the old one and says so', async () => {
    const { session, pc, media } = setUp();
    await session.start();
    const camera = media.issued[1];
    const sender = pc().videoSender!;
    sender.replaceTrack = () => Promise.reject(new Error('InvalidModificationError'));
    await session.selectCamera('other-camera');
    expect(session.snapshot.notice).toBe('The camera could not be switched.');
    expect(camera?.readyState).toBe('live');
    expect(media.issued.at(-1)?.readyState).toBe('ended');
    expect(session.snapshot.cameraId).not.toBe('other-camera');
  });
});
