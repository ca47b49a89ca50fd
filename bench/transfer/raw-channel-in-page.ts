// The half of RawChannel that runs inside a plain tab: one end of a bare RTCDataChannel.
// Playwright serializes `installRawEnd` into the page, so it may use nothing from outside
// its own body; this module exports only it and types.

/** One back-pressured transfer, as the sender runs it. */
export interface RawSendSettings {
  bytes: number;
  /** Bytes per `send()`; Chromium refuses messages over 256 KiB. */
  chunkBytes: number;
  /** Sending pauses once `bufferedAmount` reaches this… */
  highWaterBytes: number;
  /** …and resumes on 'bufferedamountlow', when it falls to this (`bufferedAmountLowThreshold`). */
  lowWaterBytes: number;
  /** Fail when the channel makes no progress for this long, rather than hang. */
  stallMs: number;
  /**
   * When set, both ends also take a SHA-256 of every byte, in a worker each, with this
   * script (hash-wasm, as Parley): the sender of each 4 MiB slice once it is sent, the
   * receiver of each message. What any transfer that verifies its bytes must do besides.
   */
  hashScriptUrl?: string | undefined;
}

/** What the sender's clock saw, in ms, from handing the first chunk to `send()`. */
export interface RawSendTimes {
  /** The receiver's ack arrived: it had counted every byte. */
  acked: number;
  /** The last chunk was handed to `send()`. */
  lastSent: number;
  /** Bytes the receiver says it counted. */
  receivedBytes: number;
  messages: number;
  /** How often sending waited for 'bufferedamountlow'. */
  pauses: number;
  /** When hashing: the SHA-256 of what was sent, and of what the receiver got. */
  sentSha256: string | null;
  receivedSha256: string | null;
}

/** What `installRawEnd` puts in the page, as `globalThis.rawEnd`. */
export interface RawEnd {
  /** Offerer: creates the connection and channel; the offer SDP, with every ICE candidate. */
  offer(): Promise<string>;
  /** Answerer: takes the offer; the answer SDP, with every ICE candidate. */
  answer(offer: string): Promise<string>;
  /** Offerer: takes the answer. */
  accept(answer: string): Promise<void>;
  /** Either end: resolves once the channel is open here. */
  opened(timeoutMs: number): Promise<void>;
  /**
   * Receiver: counts and drops what arrives (hashing it first, given `hashScriptUrl`);
   * after `bytes`, tells the sender so.
   */
  discard(bytes: number, hashScriptUrl?: string): void;
  /** Sender: sends `bytes` with back-pressure and waits for the receiver's ack. */
  send(settings: RawSendSettings): Promise<RawSendTimes>;
  close(): void;
}

export type RawEndGlobal = { rawEnd: RawEnd };

export function installRawEnd(): void {
  let connection: RTCPeerConnection | undefined;
  let channel: RTCDataChannel | undefined;

  const within = <T>(
    what: string,
    timeoutMs: number,
    start: (done: (value: T) => void, fail: (error: Error) => void) => void,
  ) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      start(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  // No trickle ICE: with loopback the only interface, gathering ends within milliseconds,
  // and one SDP each way carries every candidate.
  const gathered = (peer: RTCPeerConnection) =>
    within<void>('end of ICE gathering', 10_000, (done) => {
      const check = () => {
        if (peer.iceGatheringState === 'complete') done();
      };
      peer.addEventListener('icegatheringstatechange', check);
      check();
    });

  const localSdp = async (peer: RTCPeerConnection) => {
    await peer.setLocalDescription();
    await gathered(peer);
    return peer.localDescription!.sdp;
  };

  /** A worker that hashes the buffers posted to it (moved), and answers 'digest'. */
  const hashWorker = (scriptUrl: string) => {
    const source = `importScripts(${JSON.stringify(scriptUrl)});
      let hasher;
      const ready = hashwasm.createSHA256().then((created) => { created.init(); hasher = created; });
      onmessage = async (event) => {
        await ready;
        if (event.data === 'digest') postMessage(hasher.digest('hex'));
        else hasher.update(new Uint8Array(event.data));
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    return {
      update: (bytes: ArrayBuffer) => worker.postMessage(bytes, [bytes]),
      digest: () =>
        new Promise<string>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent<string>) => {
            worker.terminate();
            resolve(event.data);
          };
          worker.onerror = (event) => reject(new Error(`hashing worker: ${event.message}`));
          worker.postMessage('digest');
        }),
    };
  };

  const use = (opened: RTCDataChannel) => {
    // ArrayBuffers, not Blobs: what a file transfer would read, and what the heap counts.
    opened.binaryType = 'arraybuffer';
    channel = opened;
  };

  const open = () => {
    if (channel?.readyState !== 'open') throw new Error('the data channel is not open');
    return channel;
  };

  const end: RawEnd = {
    async offer() {
      connection = new RTCPeerConnection({ iceServers: [] });
      // Ordered and reliable, the defaults: what a file transfer needs.
      use(connection.createDataChannel('bench-transfer'));
      return localSdp(connection);
    },
    async answer(offer) {
      connection = new RTCPeerConnection({ iceServers: [] });
      connection.addEventListener('datachannel', (event) => use(event.channel));
      await connection.setRemoteDescription({ type: 'offer', sdp: offer });
      return localSdp(connection);
    },
    async accept(answer) {
      await connection!.setRemoteDescription({ type: 'answer', sdp: answer });
    },
    opened(timeoutMs) {
      // The answerer has no channel until 'datachannel' fires: poll rather than chain events.
      return within<void>('open data channel', timeoutMs, (done) => {
        const timer = setInterval(() => {
          if (channel?.readyState !== 'open') return;
          clearInterval(timer);
          done();
        }, 10);
      });
    },
    discard(bytes, hashScriptUrl) {
      const receiving = open();
      const hash = hashScriptUrl ? hashWorker(hashScriptUrl) : undefined;
      let received = 0;
      receiving.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        // Counted (and hashed), then dropped: the reference keeps nothing, so its memory
        // is the floor.
        received += event.data.byteLength;
        hash?.update(event.data);
        if (received !== bytes) return;
        // The ack is the count (and the hash), so the sender can check that nothing went
        // missing.
        if (!hash) receiving.send(JSON.stringify({ received, sha256: null }));
        else
          void hash.digest().then((sha256) => receiving.send(JSON.stringify({ received, sha256 })));
      };
    },
    async send({ bytes, chunkBytes, highWaterBytes, lowWaterBytes, stallMs, hashScriptUrl }) {
      const sending = open();
      // One buffer for every message: `send()` copies it, and its contents do not matter
      // (SCTP does not compress). A hashing sender copies it into slices instead, as a file
      // read would make them, since each slice moves to the worker once sent.
      const SLICE = 4 * 1024 * 1024;
      const hash = hashScriptUrl ? hashWorker(hashScriptUrl) : undefined;
      const pattern = new Uint8Array(hash ? SLICE : chunkBytes).map((_, i) => i & 0xff);
      let slice = hash ? pattern.slice() : pattern;
      let sliceUsed = 0;
      let ack: (text: string) => void = () => {};
      const acked = new Promise<string>((resolve) => (ack = resolve));
      sending.onmessage = (event: MessageEvent<string>) => ack(event.data);
      sending.bufferedAmountLowThreshold = lowWaterBytes;
      const drained = () =>
        within<void>('bufferedamountlow', stallMs, (done) =>
          sending.addEventListener('bufferedamountlow', () => done(), { once: true }),
        );

      let sent = 0;
      let messages = 0;
      let pauses = 0;
      const start = performance.now();
      while (sent < bytes) {
        if (sending.bufferedAmount >= highWaterBytes) {
          pauses += 1;
          await drained();
        }
        const size = Math.min(chunkBytes, bytes - sent, slice.length - (hash ? sliceUsed : 0));
        sending.send(
          hash ? slice.subarray(sliceUsed, sliceUsed + size) : pattern.subarray(0, size),
        );
        sent += size;
        messages += 1;
        if (!hash) continue;
        sliceUsed += size;
        if (sliceUsed === slice.length || sent === bytes) {
          // Moved, not copied, unless it is the short last one.
          hash.update(sliceUsed === slice.length ? slice.buffer : slice.buffer.slice(0, sliceUsed));
          slice = pattern.slice();
          sliceUsed = 0;
        }
      }
      const lastSent = performance.now() - start;
      const sentSha256 = hash ? await hash.digest() : null;
      const text = await within<string>("the receiver's ack", stallMs, (done) => {
        void acked.then(done);
      });
      const answer = JSON.parse(text) as { received: number; sha256: string | null };
      return {
        acked: performance.now() - start,
        lastSent,
        receivedBytes: answer.received,
        messages,
        pauses,
        sentSha256,
        receivedSha256: answer.sha256,
      };
    },
    close() {
      channel?.close();
      connection?.close();
    },
  };
  (globalThis as unknown as RawEndGlobal).rawEnd = end;
}
