/** The events of a data channel that a sender listens for. */
export type ByteChannelEvent = 'bufferedamountlow' | 'close' | 'error';

/**
 * The part of an RTCDataChannel that sending a file uses. A real RTCDataChannel satisfies
 * it as it is; tests pass a fake. Naming only this much keeps PeerJS, whose send() queues
 * without bound, out of the data path.
 */
export interface ByteChannel {
  readonly readyState: RTCDataChannelState;
  /** Bytes handed to send() and not yet on the wire; grows at once on send(). */
  readonly bufferedAmount: number;
  /** 'bufferedamountlow' fires when bufferedAmount falls from above this to at most it. */
  bufferedAmountLowThreshold: number;
  /** Sends one binary message; a view sends only the bytes it covers. */
  send(data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): void;
  addEventListener(type: ByteChannelEvent, listener: (event: Event) => void): void;
  removeEventListener(type: ByteChannelEvent, listener: (event: Event) => void): void;
}
