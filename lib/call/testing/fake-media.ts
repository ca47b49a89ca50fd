// Stand-ins for MediaStreamTrack, MediaStream and navigator.mediaDevices: Node has no
// media. Only what the call session uses, with records a test can check.

let nextId = 0;

export class FakeTrack {
  readonly id = `track-${++nextId}`;
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  readonly #endedListeners: (() => void)[] = [];

  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
    readonly deviceId = `${label}-device`,
  ) {}

  stop(): void {
    this.readyState = 'ended';
  }

  getSettings(): { deviceId: string } {
    return { deviceId: this.deviceId };
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'ended') this.#endedListeners.push(listener);
  }

  /** What the browser does when the user stops sharing from its own bar. */
  endFromOutside(): void {
    this.readyState = 'ended';
    for (const listener of this.#endedListeners) listener();
  }
}

export class FakeStream {
  readonly #tracks: FakeTrack[];

  constructor(tracks: FakeTrack[] = []) {
    this.#tracks = [...tracks];
  }

  getTracks(): FakeTrack[] {
    return [...this.#tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.#tracks.filter((track) => track.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.#tracks.filter((track) => track.kind === 'video');
  }
  addTrack(track: FakeTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }
  removeTrack(track: FakeTrack): void {
    const index = this.#tracks.indexOf(track);
    if (index >= 0) this.#tracks.splice(index, 1);
  }
}

/** A DOMException-like error, as getUserMedia rejects. */
export function mediaError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

export interface FakeDevicesOptions {
  /** The error name getUserMedia throws for any request with video. */
  cameraError?: string;
  /** The error name getUserMedia throws for any request with audio. */
  microphoneError?: string;
  /** The error name getDisplayMedia throws. */
  screenError?: string;
}

export class FakeMediaDevices {
  /** Every track handed out, to check that all were stopped. */
  readonly issued: FakeTrack[] = [];
  readonly requests: MediaStreamConstraints[] = [];

  constructor(readonly options: FakeDevicesOptions = {}) {}

  getUserMedia(constraints: MediaStreamConstraints): Promise<FakeStream> {
    this.requests.push(constraints);
    const { cameraError, microphoneError } = this.options;
    if (constraints.video && cameraError) return Promise.reject(mediaError(cameraError));
    if (constraints.audio && microphoneError) return Promise.reject(mediaError(microphoneError));
    const tracks: FakeTrack[] = [];
    if (constraints.audio) tracks.push(this.#issue('audio', constraints.audio, 'mic'));
    if (constraints.video) tracks.push(this.#issue('video', constraints.video, 'camera'));
    return Promise.resolve(new FakeStream(tracks));
  }

  getDisplayMedia(): Promise<FakeStream> {
    if (this.options.screenError) return Promise.reject(mediaError(this.options.screenError));
    const track = new FakeTrack('video', 'screen:0');
    this.issued.push(track);
    return Promise.resolve(new FakeStream([track]));
  }

  enumerateDevices(): Promise<
    { deviceId: string; kind: string; label: string; groupId: string }[]
  > {
    return Promise.resolve([
      { deviceId: 'camera-device', kind: 'videoinput', label: 'Front camera', groupId: '' },
      { deviceId: 'other-camera', kind: 'videoinput', label: '', groupId: '' },
      { deviceId: 'mic-device', kind: 'audioinput', label: 'Built-in mic', groupId: '' },
      { deviceId: 'headset', kind: 'audioinput', label: 'Headset', groupId: '' },
    ]);
  }

  #issue(kind: 'audio' | 'video', constraint: unknown, label: string): FakeTrack {
    const exact = (constraint as { deviceId?: { exact?: string } }).deviceId?.exact;
    const track = new FakeTrack(kind, exact ?? label, exact ?? `${label}-device`);
    this.issued.push(track);
    return track;
  }
}
