import { logger } from '../log.ts';
import type { HostMethod, ParamsOf, ResultOf } from '../protocol/host-protocol.ts';
import type { HostEvent, HostState } from '../protocol/host-state.ts';
import { toRtcIceServers } from '../settings/settings.ts';
import {
  classifyQuality,
  readQualitySample,
  type CallQuality,
  type PacketTotals,
} from './call-quality.ts';
import { isCallSignal } from './call-signal-check.ts';
import { endReasonText } from './call-page-text.ts';
import type { CallEndReason, CallMedia, CallSignal, CallState, CallSummary } from './call-types.ts';
import { listDevices, type DeviceOption } from './device-list.ts';
import { errorName, getLocalMedia, MicrophoneUnavailableError } from './local-media.ts';

/** The part of the host client a call page needs (HostClient fits). */
export interface CallHostLink {
  readonly latestState: HostState | null;
  request<M extends HostMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  onState(listener: (state: HostState) => void): () => void;
  onEvent(listener: (event: HostEvent) => void): () => void;
}

/** The browser's WebRTC and media, injected so the session runs against fakes in Node. */
export interface CallEnvironment {
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
  createStream(tracks?: MediaStreamTrack[]): MediaStream;
  mediaDevices: Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia' | 'enumerateDevices'>;
}

export interface CallSessionOptions {
  /** How long to wait for the host to know the call before saying it does not. */
  findCallTimeoutMs?: number;
  /** The caller repeats its offer this often until answered (the callee's page may open late). */
  resendOfferMs?: number;
  /** How often connection quality is sampled. */
  statsEveryMs?: number;
  /** A call that negotiates but never connects ends as failed after this long. */
  connectTimeoutMs?: number;
}

/** What the call page shows, replaced (never mutated) on every change. */
export interface CallSnapshot {
  /** `waiting` until the host's record of the call is known. */
  phase: 'waiting' | CallState;
  summary: CallSummary | null;
  /** What we send as video (camera or screen), for the local preview; null if nothing. */
  previewStream: MediaStream | null;
  remoteStream: MediaStream | null;
  media: CallMedia;
  /** Whether a camera track is running (false in audio calls and after a fallback). */
  hasCamera: boolean;
  /** A note that does not stop the call (camera fallback, cancelled screen share). */
  notice: string | null;
  /** Something went wrong that the user should know about. */
  error: string | null;
  /** Why the call ended, once it has. */
  endedText: string | null;
  quality: CallQuality | null;
  /** Inbound video frames decoded so far, from the last `getStats` sample (null: none yet). */
  framesDecoded: number | null;
  /** The connection dropped for a moment and the browser is trying to restore it. */
  reconnecting: boolean;
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  cameraId: string | null;
  microphoneId: string | null;
}

/** What a call page shows before it knows anything of the call. */
export function initialCallSnapshot(): CallSnapshot {
  return {
    phase: 'waiting',
    summary: null,
    previewStream: null,
    remoteStream: null,
    media: { muted: false, cameraOff: false, screen: false },
    hasCamera: false,
    notice: null,
    error: null,
    endedText: null,
    quality: null,
    framesDecoded: null,
    reconnecting: false,
    cameras: [],
    microphones: [],
    cameraId: null,
    microphoneId: null,
  };
}

const MAX_OFFER_REPEATS = 15;

/**
 * One call, as its page runs it: local media, the RTCPeerConnection, negotiation through
 * the host (the caller offers once the callee accepted, the callee answers, trickle ICE
 * both ways), mute/camera/screen, devices, quality, and an ending that stops every track.
 */
export class CallSession {
  readonly callId: string;
  readonly #host: CallHostLink;
  readonly #env: CallEnvironment;
  readonly #options: Required<CallSessionOptions>;
  readonly #listeners = new Set<(snapshot: CallSnapshot) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  #snapshot: CallSnapshot = initialCallSnapshot();
  #pc: RTCPeerConnection | null = null;
  #localStream: MediaStream | null = null;
  #cameraTrack: MediaStreamTrack | null = null;
  #microphoneTrack: MediaStreamTrack | null = null;
  #screenTrack: MediaStreamTrack | null = null;
  #audioSender: RTCRtpSender | null = null;
  /** Signals that arrived before the connection existed, in order. */
  #inbox: CallSignal[] = [];
  /** Candidates that arrived before the remote description. */
  #pendingCandidates: RTCIceCandidateInit[] = [];
  /** Our candidates so far, repeated with a repeated offer. */
  #sentCandidates: CallSignal[] = [];
  /** Negotiation steps run one at a time, in arrival order. */
  #work: Promise<void> = Promise.resolve();
  #offered = false;
  #connectDeadlineStarted = false;
  #connectedReported = false;
  #ended = false;
  #packetTotals: PacketTotals | null = null;

  constructor(
    callId: string,
    host: CallHostLink,
    env: CallEnvironment,
    options: CallSessionOptions = {},
  ) {
    this.callId = callId;
    this.#host = host;
    this.#env = env;
    this.#options = {
      findCallTimeoutMs: options.findCallTimeoutMs ?? 10_000,
      resendOfferMs: options.resendOfferMs ?? 2_000,
      statsEveryMs: options.statsEveryMs ?? 2_000,
      // Browsers may sit in 'checking' for a long time without ever saying 'failed'.
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
    };
  }

  get snapshot(): CallSnapshot {
    return this.#snapshot;
  }

  /** Calls `listener` on every change; returns an unsubscribe. */
  onChange(listener: (snapshot: CallSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Finds the call, gets media, and sets up the connection. Never throws. */
  async start(): Promise<void> {
    this.#unsubscribe.push(
      this.#host.onState((state) => this.#onHostState(state)),
      this.#host.onEvent((event) => this.#onHostEvent(event)),
    );
    const summary = await this.#findCall();
    if (this.#ended) return;
    if (!summary) {
      logger.warn('call.unknown', { callId: this.callId });
      this.#finish('Parley does not know this call. It may have ended before this page opened.');
      return;
    }
    this.#update({
      summary,
      phase: summary.state,
      media: { muted: false, cameraOff: !summary.video, screen: false },
    });
    if (summary.state === 'ended') {
      this.#finish(endReasonText(summary.endReason, summary.direction));
      return;
    }
    try {
      await this.#setUpMedia(summary);
    } catch (error) {
      const message =
        error instanceof MicrophoneUnavailableError
          ? error.message
          : 'The call could not start: the browser refused to set up audio and video.';
      if (!(error instanceof MicrophoneUnavailableError)) {
        logger.error('call.setup-failed', { callId: this.callId, error: errorName(error) });
      }
      this.#update({ error: message });
      void this.#requestEnd('failed');
      this.#finish(endReasonText('failed', summary.direction));
      return;
    }
    if (this.#ended) {
      this.#stopEverything();
      return;
    }
    void this.#pushMedia();
    const queued = this.#inbox;
    this.#inbox = [];
    for (const signal of queued) this.#enqueue(() => this.#applySignal(signal));
    this.#maybeOffer();
    void this.refreshDevices();
  }

  /** Hangs up (or cancels a call still ringing). */
  async hangUp(): Promise<void> {
    if (this.#ended) return;
    const summary = this.#snapshot.summary;
    const reason: CallEndReason =
      summary?.direction === 'out' && summary.state === 'ringing' ? 'cancelled' : 'hangup';
    this.#finish(endReasonText(reason, summary?.direction ?? 'out'));
    await this.#requestEnd();
  }

  /** The page is going away: end the call if it still runs, and release every device. */
  close(): void {
    if (!this.#ended) {
      void this.#requestEnd();
      this.#finish('The call ended.');
    }
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  toggleMute(): void {
    const muted = !this.#snapshot.media.muted;
    if (this.#microphoneTrack) this.#microphoneTrack.enabled = !muted;
    this.#setMedia({ muted });
  }

  toggleCamera(): void {
    if (!this.#cameraTrack) return;
    const cameraOff = !this.#snapshot.media.cameraOff;
    this.#cameraTrack.enabled = !cameraOff;
    this.#setMedia({ cameraOff });
  }

  /** Sends the screen instead of the camera, on the same sender (no renegotiation). */
  async startScreenShare(): Promise<void> {
    const sender = this.#videoSender();
    if (this.#ended || this.#screenTrack || !sender) return;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await this.#env.mediaDevices.getDisplayMedia({ video: true, audio: false });
      track = stream.getVideoTracks()[0];
      if (!track) throw new DOMException('No video in the shared screen.', 'NotFoundError');
    } catch (error) {
      const name = errorName(error);
      logger.info('call.screen-share-not-started', { callId: this.callId, error: name });
      this.#update({
        notice:
          name === 'NotAllowedError'
            ? 'Screen sharing was cancelled.'
            : 'Your screen could not be shared.',
      });
      return;
    }
    if (this.#ended) {
      track.stop();
      return;
    }
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      track.stop();
      logger.error('call.screen-share-failed', { callId: this.callId, error: errorName(error) });
      this.#update({ notice: 'Your screen could not be shared.' });
      return;
    }
    this.#screenTrack = track;
    // The browser's own "Stop sharing" ends the track: go back to the camera then.
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.#setMedia({ screen: true });
    this.#update({ previewStream: this.#env.createStream([track]), notice: null });
  }

  /** Goes back from the screen to the camera (or to no video if there is none). */
  async stopScreenShare(): Promise<void> {
    const track = this.#screenTrack;
    if (!track) return;
    this.#screenTrack = null;
    track.stop();
    if (this.#ended) return;
    try {
      await this.#videoSender()?.replaceTrack(this.#cameraTrack);
    } catch (error) {
      logger.error('call.camera-restore-failed', { callId: this.callId, error: errorName(error) });
    }
    this.#setMedia({ screen: false });
    this.#update({ previewStream: this.#cameraPreview() });
  }

  /** Lists cameras and microphones (labels appear once the user allowed media). */
  async refreshDevices(): Promise<void> {
    try {
      const devices = await listDevices(this.#env.mediaDevices);
      this.#update({
        ...devices,
        cameraId: deviceIdOf(this.#cameraTrack),
        microphoneId: deviceIdOf(this.#microphoneTrack),
      });
    } catch (error) {
      logger.warn('call.devices-unlisted', { error: errorName(error) });
    }
  }

  /** Switches to another camera: a new track replaces the old one on the sender. */
  async selectCamera(deviceId: string): Promise<void> {
    if (this.#ended || !this.#snapshot.summary?.video) return;
    const track = await this.#openDevice('video', deviceId);
    if (!track) return;
    track.enabled = !this.#snapshot.media.cameraOff || !this.#cameraTrack;
    if (!this.#screenTrack && !(await this.#replaceOn(this.#videoSender(), track))) return;
    this.#swapLocalTrack(this.#cameraTrack, track);
    const hadCamera = this.#cameraTrack !== null;
    this.#cameraTrack = track;
    if (!hadCamera) this.#setMedia({ cameraOff: false });
    this.#update({
      hasCamera: true,
      cameraId: deviceId,
      previewStream: this.#screenTrack ? this.#snapshot.previewStream : this.#cameraPreview(),
      notice: null,
    });
  }

  /** Switches to another microphone, keeping the mute state. */
  async selectMicrophone(deviceId: string): Promise<void> {
    if (this.#ended) return;
    const track = await this.#openDevice('audio', deviceId);
    if (!track) return;
    track.enabled = !this.#snapshot.media.muted;
    if (!(await this.#replaceOn(this.#audioSender, track))) return;
    this.#swapLocalTrack(this.#microphoneTrack, track);
    this.#microphoneTrack = track;
    this.#update({ microphoneId: deviceId });
  }

  async #openDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null> {
    try {
      const stream = await this.#env.mediaDevices.getUserMedia({
        [kind]: { deviceId: { exact: deviceId } },
      });
      const track = stream.getTracks().find((candidate) => candidate.kind === kind);
      if (!track) throw new DOMException('The device gave no track.', 'NotFoundError');
      if (this.#ended) {
        track.stop();
        return null;
      }
      return track;
    } catch (error) {
      logger.warn('call.device-switch-failed', { kind, error: errorName(error) });
      this.#update({
        notice:
          kind === 'video'
            ? 'That camera could not be started.'
            : 'That microphone could not be started.',
      });
      return null;
    }
  }

  /** Puts a new device's track on `sender`; on failure stops it and says so. */
  async #replaceOn(sender: RTCRtpSender | null, track: MediaStreamTrack): Promise<boolean> {
    try {
      await sender?.replaceTrack(track);
      if (!this.#ended) return true;
      track.stop(); // the call ended while the sender switched
      return false;
    } catch (error) {
      track.stop();
      logger.error('call.device-replace-failed', { kind: track.kind, error: errorName(error) });
      this.#update({
        notice: `The ${track.kind === 'video' ? 'camera' : 'microphone'} could not be switched.`,
      });
      return false;
    }
  }

  #swapLocalTrack(old: MediaStreamTrack | null, next: MediaStreamTrack): void {
    if (old) {
      this.#localStream?.removeTrack(old);
      old.stop();
    }
    this.#localStream?.addTrack(next);
  }

  async #findCall(): Promise<CallSummary | null> {
    const find = (state: HostState | null) =>
      state?.calls.find((call) => call.callId === this.callId) ?? null;
    const known = find(this.#host.latestState);
    if (known) return known;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(null);
      }, this.#options.findCallTimeoutMs);
      const unsubscribe = this.#host.onState((state) => {
        const summary = find(state);
        if (!summary) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(summary);
      });
    });
  }

  async #setUpMedia(summary: CallSummary): Promise<void> {
    const { stream, notice } = await getLocalMedia(this.#env.mediaDevices, summary.video);
    this.#localStream = stream;
    if (this.#ended) return;
    this.#cameraTrack = stream.getVideoTracks()[0] ?? null;
    this.#microphoneTrack = stream.getAudioTracks()[0] ?? null;
    const iceServers = toRtcIceServers(this.#host.latestState?.settings.iceServers ?? []);
    const pc = this.#env.createPeerConnection({ iceServers });
    this.#pc = pc;
    const remoteStream = this.#env.createStream();
    pc.addEventListener('icecandidate', (event) => this.#sendCandidate(event.candidate));
    pc.addEventListener('track', (event) => {
      remoteStream.addTrack(event.track);
      // A fresh object, so that views holding the old one re-render.
      this.#update({ remoteStream: this.#env.createStream(remoteStream.getTracks()) });
    });
    pc.addEventListener('connectionstatechange', () => this.#onConnectionState(pc.connectionState));
    if (this.#microphoneTrack) this.#audioSender = pc.addTrack(this.#microphoneTrack, stream);
    if (this.#cameraTrack) pc.addTrack(this.#cameraTrack, stream);
    else if (summary.video && summary.direction === 'out') {
      // No camera, but a video call: keep a video line so that the other side's video,
      // and later our screen, can flow without renegotiating.
      pc.addTransceiver('video', { direction: 'sendrecv', streams: [stream] });
    }
    this.#update({
      previewStream: this.#cameraPreview(),
      remoteStream,
      hasCamera: this.#cameraTrack !== null,
      notice,
      media: { ...this.#snapshot.media, cameraOff: this.#cameraTrack === null },
    });
  }

  #cameraPreview(): MediaStream | null {
    return this.#cameraTrack ? this.#env.createStream([this.#cameraTrack]) : null;
  }

  #videoSender(): RTCRtpSender | null {
    const transceiver = this.#pc
      ?.getTransceivers()
      .find((candidate) => candidate.receiver.track.kind === 'video');
    return transceiver?.sender ?? null;
  }

  #onHostState(state: HostState): void {
    if (this.#ended) return;
    const summary = state.calls.find((call) => call.callId === this.callId);
    if (!summary || !this.#snapshot.summary) return; // start() is still looking for it
    this.#update({ summary, phase: summary.state });
    if (summary.state === 'ended') {
      logger.info('call.ended', { callId: this.callId, reason: summary.endReason });
      this.#finish(endReasonText(summary.endReason, summary.direction));
      return;
    }
    this.#maybeOffer();
  }

  #onHostEvent(event: HostEvent): void {
    if (event.type !== 'call-signal' || event.callId !== this.callId || this.#ended) return;
    if (!isCallSignal(event.signal)) {
      logger.warn('call.signal-malformed', { callId: this.callId });
      return;
    }
    const signal = event.signal;
    if (!this.#pc) {
      this.#inbox.push(signal);
      return;
    }
    this.#enqueue(() => this.#applySignal(signal));
  }

  #enqueue(step: () => Promise<void>): void {
    this.#work = this.#work.then(step).catch((error: unknown) => {
      logger.error('call.negotiation-failed', { callId: this.callId, error: errorName(error) });
      this.#fail('The call could not be set up between your browsers.');
    });
  }

  async #applySignal(signal: CallSignal): Promise<void> {
    const pc = this.#pc;
    if (!pc || this.#ended) return;
    if (signal.kind === 'candidate') {
      if (signal.candidate === null) return; // end of their candidates: nothing to do
      if (!pc.remoteDescription) {
        this.#pendingCandidates.push(signal.candidate);
        return;
      }
      await this.#addCandidate(signal.candidate);
      return;
    }
    const { description } = signal;
    const ourRole = this.#snapshot.summary?.direction === 'out' ? 'answer' : 'offer';
    if (description.type !== ourRole) {
      logger.warn('call.signal-unexpected', { callId: this.callId, type: description.type });
      return;
    }
    if (description.type === 'offer') await this.#answer(pc, description);
    else await this.#acceptAnswer(pc, description);
  }

  async #answer(pc: RTCPeerConnection, offer: RTCSessionDescriptionInit): Promise<void> {
    if (pc.remoteDescription) {
      // The caller repeated its offer: our answer did not reach it. Say it again.
      if (pc.remoteDescription.sdp === offer.sdp && pc.localDescription) this.#resendLocal();
      return;
    }
    await pc.setRemoteDescription(offer);
    this.#startConnectDeadline();
    // Without a camera our video line would be receive-only; keep it open for a screen.
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.receiver.track.kind === 'video' && transceiver.direction === 'recvonly') {
        transceiver.direction = 'sendrecv';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.#flushCandidates();
    this.#sendSignal({
      kind: 'description',
      description: { type: 'answer', sdp: answer.sdp ?? '' },
    });
  }

  async #acceptAnswer(pc: RTCPeerConnection, answer: RTCSessionDescriptionInit): Promise<void> {
    if (pc.signalingState !== 'have-local-offer') return; // a repeat of one we applied
    await pc.setRemoteDescription(answer);
    await this.#flushCandidates();
  }

  async #flushCandidates(): Promise<void> {
    const pending = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of pending) await this.#addCandidate(candidate);
  }

  async #addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.#pc?.addIceCandidate(candidate);
    } catch (error) {
      // One bad candidate is not a failed call: others may well work.
      logger.warn('call.candidate-rejected', { callId: this.callId, error: errorName(error) });
    }
  }

  /** The caller offers once the callee accepted (`connecting`) and the media is ready. */
  #maybeOffer(): void {
    const summary = this.#snapshot.summary;
    const pc = this.#pc;
    if (!pc || this.#offered || this.#ended || summary?.direction !== 'out') return;
    if (summary.state !== 'connecting' && summary.state !== 'active') return;
    this.#offered = true;
    this.#startConnectDeadline();
    this.#enqueue(async () => {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      this.#sendSignal({
        kind: 'description',
        description: { type: 'offer', sdp: offer.sdp ?? '' },
      });
      this.#repeatOfferUntilAnswered(pc);
    });
  }

  /**
   * Once negotiation starts, the call must connect within `connectTimeoutMs`: ICE can
   * stay 'checking' far longer than anyone would wait on a silent screen, without the
   * browser ever declaring it failed.
   */
  #startConnectDeadline(): void {
    if (this.#connectDeadlineStarted) return;
    this.#connectDeadlineStarted = true;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#connectedReported || this.#ended) return;
      logger.warn('call.connect-timeout', { callId: this.callId });
      this.#fail(
        'The call could not connect. A firewall may block calls; a TURN server in Settings can help.',
      );
    }, this.#options.connectTimeoutMs);
    this.#timers.add(timer);
  }

  /**
   * The callee's page opens when its user accepts, at about the time we offer: if the
   * offer went out before that page listened, it is lost. Repeat it until answered.
   */
  #repeatOfferUntilAnswered(pc: RTCPeerConnection): void {
    let repeats = 0;
    const timer = setInterval(() => {
      if (this.#ended || pc.remoteDescription || ++repeats > MAX_OFFER_REPEATS) {
        clearInterval(timer);
        this.#timers.delete(timer);
        return;
      }
      this.#resendLocal();
    }, this.#options.resendOfferMs);
    this.#timers.add(timer);
  }

  #resendLocal(): void {
    const local = this.#pc?.localDescription;
    if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.#sendSignal(
      { kind: 'description', description: { type: local.type, sdp: local.sdp } },
      false,
    );
    for (const candidate of this.#sentCandidates) this.#sendSignal(candidate, false);
  }

  #sendCandidate(candidate: RTCIceCandidate | null): void {
    const signal: CallSignal = {
      kind: 'candidate',
      candidate: candidate && {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
        usernameFragment: candidate.usernameFragment,
      },
    };
    this.#sentCandidates.push(signal);
    this.#sendSignal(signal);
  }

  #sendSignal(signal: CallSignal, log = true): void {
    if (this.#ended) return;
    void this.#host
      .request('sendCallSignal', { callId: this.callId, signal })
      .then((result) => {
        if (!result.ok && log)
          logger.warn('call.signal-refused', { callId: this.callId, error: result.error });
      })
      .catch((error: unknown) => {
        if (log)
          logger.warn('call.signal-unsent', { callId: this.callId, error: errorName(error) });
      });
  }

  #onConnectionState(state: RTCPeerConnectionState): void {
    if (this.#ended) return;
    logger.info('call.connection', { callId: this.callId, state });
    if (state === 'connected') {
      this.#update({ reconnecting: false });
      if (this.#connectedReported) return;
      this.#connectedReported = true;
      void this.#host
        .request('callConnected', { callId: this.callId })
        .catch((error: unknown) =>
          logger.warn('call.connected-unsent', { callId: this.callId, error: errorName(error) }),
        );
      this.#startQualitySampling();
    } else if (state === 'disconnected') {
      this.#update({ reconnecting: true });
    } else if (state === 'failed') {
      this.#fail(
        'The connection to them failed. A firewall may block calls; a TURN server in Settings can help.',
      );
    }
  }

  #startQualitySampling(): void {
    const timer = setInterval(() => void this.#sampleQuality(), this.#options.statsEveryMs);
    this.#timers.add(timer);
  }

  async #sampleQuality(): Promise<void> {
    const pc = this.#pc;
    if (!pc || this.#ended) return;
    try {
      const report = await pc.getStats();
      const { sample, totals } = readQualitySample(report.values(), this.#packetTotals);
      this.#packetTotals = totals;
      if (!this.#ended)
        this.#update({
          quality: classifyQuality(sample),
          framesDecoded: sample.framesDecoded ?? null,
        });
    } catch (error) {
      logger.warn('call.stats-failed', { callId: this.callId, error: errorName(error) });
    }
  }

  #setMedia(change: Partial<CallMedia>): void {
    this.#update({ media: { ...this.#snapshot.media, ...change } });
    void this.#pushMedia();
  }

  async #pushMedia(): Promise<void> {
    if (this.#ended) return;
    try {
      const result = await this.#host.request('setCallMedia', {
        callId: this.callId,
        media: this.#snapshot.media,
      });
      if (!result.ok)
        logger.warn('call.media-refused', { callId: this.callId, error: result.error });
    } catch (error) {
      logger.warn('call.media-unsent', { callId: this.callId, error: errorName(error) });
    }
  }

  /** Something broke on our side: end the call for both, with `message` shown here. */
  #fail(message: string): void {
    if (this.#ended) return;
    this.#update({ error: message });
    void this.#requestEnd('failed');
    this.#finish(endReasonText('failed', this.#snapshot.summary?.direction ?? 'out'));
  }

  async #requestEnd(reason?: 'failed'): Promise<void> {
    try {
      const result = await this.#host.request('endCall', {
        callId: this.callId,
        ...(reason && { reason }),
      });
      if (!result.ok) logger.warn('call.end-refused', { callId: this.callId, error: result.error });
    } catch (error) {
      logger.warn('call.end-unsent', { callId: this.callId, error: errorName(error) });
    }
  }

  /** Ends the call on this page: every track stopped, the connection closed. */
  #finish(endedText: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopEverything();
    this.#update({ phase: 'ended', endedText, reconnecting: false, quality: null });
  }

  #stopEverything(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    const tracks = new Set<MediaStreamTrack>([
      ...(this.#localStream?.getTracks() ?? []),
      ...(this.#snapshot.remoteStream?.getTracks() ?? []),
    ]);
    for (const track of [this.#cameraTrack, this.#microphoneTrack, this.#screenTrack]) {
      if (track) tracks.add(track);
    }
    for (const track of tracks) track.stop();
    this.#screenTrack = null;
    this.#pc?.close();
  }

  #update(change: Partial<CallSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of this.#listeners) listener(this.#snapshot);
  }
}

function deviceIdOf(track: MediaStreamTrack | null): string | null {
  return track?.getSettings().deviceId ?? null;
}
