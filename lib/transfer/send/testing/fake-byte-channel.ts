import type { ByteChannel, ByteChannelEvent } from '../byte-channel.ts';

type Listener = (event: Event) => void;

/**
 * A data channel in memory that behaves as a real one does where a sender can tell:
 * bufferedAmount grows at once on send() and falls as the channel drains, and
 * 'bufferedamountlow' fires when a drain takes it from above the threshold to at most it.
 * It drains when the test says so, or, given `drainPerTick`, that many bytes on every turn
 * of the event loop, like a link of fixed speed.
 */
export class FakeByteChannel implements ByteChannel {
  readyState: RTCDataChannelState = 'open';
  bufferedAmountLowThreshold = 0;
  /** Every message sent, copied as it was at send(). */
  readonly messages: Uint8Array[] = [];
  /** The most that was ever buffered. */
  peakBuffered = 0;
  /** How often bufferedAmount was read: a sender that polls reads it over and over. */
  bufferedAmountReads = 0;
  readonly #listeners = new Map<ByteChannelEvent, Set<Listener>>();
  readonly #drainPerTick: number | undefined;
  #buffered = 0;
  #drainScheduled = false;

  constructor({ drainPerTick }: { drainPerTick?: number } = {}) {
    this.#drainPerTick = drainPerTick;
  }

  get bufferedAmount(): number {
    this.bufferedAmountReads += 1;
    return this.#buffered;
  }

  send(data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): void {
    if (this.readyState !== 'open') throw new DOMException('Not open', 'InvalidStateError');
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    this.messages.push(bytes.slice());
    this.#buffered += bytes.byteLength;
    this.peakBuffered = Math.max(this.peakBuffered, this.#buffered);
    this.#scheduleDrain();
  }

  /** Puts `bytes` (all, by default) of the buffer on the wire. */
  drain(bytes = Infinity): void {
    const before = this.#buffered;
    this.#buffered = Math.max(0, before - bytes);
    const threshold = this.bufferedAmountLowThreshold;
    if (before > threshold && this.#buffered <= threshold)
      this.#dispatch('bufferedamountlow', new Event('bufferedamountlow'));
  }

  /** The channel closes, as when the peer closes it or the connection drops. */
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.#dispatch('close', new Event('close'));
  }

  /** The channel fails, as an RTCErrorEvent reports, and then closes. */
  fail(error: Error): void {
    this.#dispatch('error', Object.assign(new Event('error'), { error }));
    this.close();
  }

  /** Every byte sent, in order. */
  received(): Uint8Array {
    const all = new Uint8Array(this.messages.reduce((sum, message) => sum + message.length, 0));
    let offset = 0;
    for (const message of this.messages) {
      all.set(message, offset);
      offset += message.length;
    }
    return all;
  }

  listenerCount(type?: ByteChannelEvent): number {
    const types = type ? [type] : [...this.#listeners.keys()];
    return types.reduce((sum, each) => sum + (this.#listeners.get(each)?.size ?? 0), 0);
  }

  addEventListener(type: ByteChannelEvent, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)?.add(listener);
  }

  removeEventListener(type: ByteChannelEvent, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  #dispatch(type: ByteChannelEvent, event: Event): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }

  #scheduleDrain(): void {
    const perTick = this.#drainPerTick;
    if (perTick === undefined || this.#drainScheduled) return;
    this.#drainScheduled = true;
    // A macrotask, as a real channel's events are: the sender's awaits all run first.
    setImmediate(() => {
      this.#drainScheduled = false;
      if (this.readyState !== 'open') return;
      this.drain(perTick);
      if (this.#buffered > 0) this.#scheduleDrain();
    });
  }
}
