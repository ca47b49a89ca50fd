// A stand-in for RTCPeerConnection: records what the session asks of it and lets a test
// play the browser's part (candidates, connection states, remote tracks, stats).
import { FakeTrack } from './fake-media.ts';

export class FakeSender {
  readonly replaced: (FakeTrack | null)[] = [];
  constructor(public track: FakeTrack | null) {}
  replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
    this.replaced.push(track);
    return Promise.resolve();
  }
}

export interface FakeTransceiver {
  sender: FakeSender;
  receiver: { track: FakeTrack };
  direction: RTCRtpTransceiverDirection;
}

export class FakePeerConnection extends EventTarget {
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  closed = false;
  readonly transceivers: FakeTransceiver[] = [];
  readonly addedCandidates: RTCIceCandidateInit[] = [];
  stats: Record<string, unknown>[] = [];
  #offers = 0;

  constructor(readonly config: RTCConfiguration) {
    super();
  }

  createOffer(): Promise<RTCSessionDescriptionInit> {
    return Promise.resolve({ type: 'offer', sdp: `offer-${++this.#offers}` });
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    if (this.signalingState !== 'have-remote-offer') {
      return Promise.reject(new Error('createAnswer without a remote offer'));
    }
    return Promise.resolve({ type: 'answer', sdp: `answer-to-${this.remoteDescription?.sdp}` });
  }

  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
    return Promise.resolve();
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    // As a real offer with audio and video would: a line of each kind.
    for (const kind of ['audio', 'video'] as const) {
      if (!this.transceivers.some((transceiver) => transceiver.receiver.track.kind === kind)) {
        this.transceivers.push({
          sender: new FakeSender(null),
          receiver: { track: new FakeTrack(kind, `remote-${kind}`) },
          direction: 'recvonly',
        });
      }
    }
    return Promise.resolve();
  }

  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) return Promise.reject(new Error('InvalidStateError'));
    this.addedCandidates.push(candidate);
    return Promise.resolve();
  }

  addTrack(track: FakeTrack): FakeSender {
    const sender = new FakeSender(track);
    this.transceivers.push({
      sender,
      receiver: { track: new FakeTrack(track.kind, `remote-${track.kind}`) },
      direction: 'sendrecv',
    });
    return sender;
  }

  addTransceiver(
    kind: 'audio' | 'video',
    init: { direction: RTCRtpTransceiverDirection },
  ): FakeTransceiver {
    const transceiver: FakeTransceiver = {
      sender: new FakeSender(null),
      receiver: { track: new FakeTrack(kind, `remote-${kind}`) },
      direction: init.direction,
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  getStats(): Promise<Map<string, Record<string, unknown>>> {
    return Promise.resolve(new Map(this.stats.map((entry, index) => [String(index), entry])));
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }

  /** The video sender (what screen sharing and camera switching replace tracks on). */
  get videoSender(): FakeSender | undefined {
    return this.transceivers.find((transceiver) => transceiver.receiver.track.kind === 'video')
      ?.sender;
  }

  emitCandidate(candidate: RTCIceCandidateInit | null): void {
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate }));
  }

  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  emitTrack(track: FakeTrack): void {
    this.dispatchEvent(Object.assign(new Event('track'), { track }));
  }
}
