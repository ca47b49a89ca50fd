import type { ByteChannel } from './byte-channel.ts';
import { ChannelClosedError } from './transfer-errors.ts';

/**
 * Listens, for one run of a sender, for what ends it early: the channel closing or failing,
 * or the signal aborting. From then on every check throws the first of these reasons, and
 * whatever the run is waiting for rejects with it at once rather than when it settles.
 * dispose() removes every listener; call it when the run ends, however it ends.
 */
export class Interruptions {
  #reason: { error: unknown } | undefined;
  #rejectWaiting: ((error: unknown) => void) | undefined;
  readonly #dispose: () => void;

  constructor(channel: ByteChannel, signal: AbortSignal) {
    const onClose = () => this.#interrupt(new ChannelClosedError());
    // Chrome and Firefox pass an RTCErrorEvent; its error says why, for the log.
    const onError = (event: Event) =>
      this.#interrupt(new ChannelClosedError({ cause: (event as { error?: unknown }).error }));
    const onAbort = () => this.#interrupt(signal.reason);
    channel.addEventListener('close', onClose);
    channel.addEventListener('error', onError);
    signal.addEventListener('abort', onAbort);
    this.#dispose = () => {
      channel.removeEventListener('close', onClose);
      channel.removeEventListener('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) onAbort();
  }

  /** Throws the reason the run was interrupted, if it was. */
  throwIfInterrupted(): void {
    if (this.#reason) throw this.#reason.error;
  }

  /**
   * Settles as `promise` does, or rejects as soon as the run is interrupted. A run waits for
   * one thing at a time; only the latest wait is cut short.
   */
  async wait<T>(promise: Promise<T>): Promise<T> {
    this.throwIfInterrupted();
    try {
      return await new Promise<T>((resolve, reject) => {
        this.#rejectWaiting = reject;
        promise.then(resolve, reject);
      });
    } finally {
      this.#rejectWaiting = undefined;
    }
  }

  dispose(): void {
    this.#dispose();
  }

  #interrupt(error: unknown): void {
    // An error event is followed by a close event; the first says more.
    if (this.#reason) return;
    this.#reason = { error };
    this.#rejectWaiting?.(error);
  }
}
