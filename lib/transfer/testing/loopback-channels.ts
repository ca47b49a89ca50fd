import type { DataChannelLike } from '../transfer-ports.ts';

type Listener = (event: Event) => void;

/**
 * Two ends of a data channel in memory that behave as negotiated RTCDataChannels do where
 * the transfer service can tell: open at once, ordered and reliable, `bufferedAmount`
 * grows on send() and falls as the link carries `bytesPerTick` on each turn of the event
 * loop, 'bufferedamountlow' fires on the way down through the threshold, and closing
 * either end closes both.
 */
export class LoopbackChannel implements DataChannelLike {
  readonly id: number;
  readyState: RTCDataChannelState = 'open';
  binaryType: BinaryType = 'arraybuffer';
  bufferedAmountLowThreshold = 0;
  bufferedAmount = 0;
  /** Changes bytes in flight, to play a link that damages data. */
  tamper: ((bytes: Uint8Array) => void) | null = null;
  #other: LoopbackChannel | null = null;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #queue: ArrayBuffer[] = [];
  readonly #bytesPerTick: number;
  #scheduled = false;

  private constructor(id: number, bytesPerTick: number) {
    this.id = id;
    this.#bytesPerTick = bytesPerTick;
  }

  /** Both ends of the negotiated channel with stream id `id`. */
  static pair(id: number, bytesPerTick = 256 * 1024): [LoopbackChannel, LoopbackChannel] {
    const a = new LoopbackChannel(id, bytesPerTick);
    const b = new LoopbackChannel(id, bytesPerTick);
    a.#other = b;
    b.#other = a;
    return [a, b];
  }

  send(data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): void {
    if (this.readyState !== 'open') throw new DOMException('Not open', 'InvalidStateError');
    const view = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    const copy = view.slice();
    this.tamper?.(copy);
    this.#queue.push(copy.buffer);
    this.bufferedAmount += copy.byteLength;
    this.#schedule();
  }

  close(): void {
    if (this.readyState === 'closed') return;
    for (const end of [this, this.#other]) {
      if (!end || end.readyState === 'closed') continue;
      end.readyState = 'closed';
      end.#queue.length = 0;
      setTimeout(() => end.#dispatch('close', new Event('close')), 0);
    }
  }

  addEventListener(type: string, listener: Listener): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: string, listener: (event: never) => void): void {
    this.#add(type, listener as Listener);
  }

  #add(type: string, listener: Listener): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void {
    this.#listeners.get(type)?.delete(listener as Listener);
  }

  /** Listeners still attached, of every kind: a finished transfer should leave none behind. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.#carry(), 0);
  }

  /** One turn of the link: up to bytesPerTick of what is queued reaches the other end. */
  #carry(): void {
    this.#scheduled = false;
    let budget = this.#bytesPerTick;
    while (budget > 0 && this.#queue.length > 0 && this.readyState === 'open') {
      const message = this.#queue.shift()!;
      budget -= message.byteLength;
      const before = this.bufferedAmount;
      this.bufferedAmount -= message.byteLength;
      if (this.#other)
        this.#other.#dispatch('message', new MessageEvent('message', { data: message }));
      if (
        before > this.bufferedAmountLowThreshold &&
        this.bufferedAmount <= this.bufferedAmountLowThreshold
      )
        this.#dispatch('bufferedamountlow', new Event('bufferedamountlow'));
    }
    if (this.#queue.length > 0) this.#schedule();
  }

  #dispatch(type: string, event: Event): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}
