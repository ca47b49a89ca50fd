import { logger } from '../log.ts';
import { isFurther, type ChatMessage, type OutgoingProgress } from './chat-message.ts';
import type { ChatStore } from './chat-store.ts';

/** Long enough that a message's 'sent' and its 'delivered' usually share one write. */
export const PROGRESS_WRITE_DELAY_MS = 50;

/**
 * Stores outgoing messages' progress (sent, delivered, read) a little behind, a batch
 * per conversation in one transaction. It keeps IndexedDB work off the path of the next
 * message, and a busy chat costs a few writes a second instead of three per message.
 *
 * Losing a batch (the host closes before it is written) loses nothing that matters: a
 * message whose 'delivered' was not stored is resent on the next link, the peer's host
 * recognises its ID and acknowledges it again.
 */
export class ProgressWriter {
  readonly #store: Pick<ChatStore, 'advanceOutgoingEach'>;
  readonly #onStored: (changed: ChatMessage[]) => void;
  readonly #delayMs: number;
  /** peerId → message id → the furthest state not yet handed to the store. */
  #pending = new Map<string, Map<string, OutgoingProgress>>();
  /** Each message's furthest state not yet known to be stored: pending or being written. */
  readonly #unstored = new Map<string, OutgoingProgress>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  /** `onStored` hears of the messages each write changed. */
  constructor(
    store: Pick<ChatStore, 'advanceOutgoingEach'>,
    onStored: (changed: ChatMessage[]) => void,
    delayMs = PROGRESS_WRITE_DELAY_MS,
  ) {
    this.#store = store;
    this.#onStored = onStored;
    this.#delayMs = delayMs;
  }

  record(peerId: string, ids: Iterable<string>, state: OutgoingProgress): void {
    let conversation = this.#pending.get(peerId);
    if (!conversation) this.#pending.set(peerId, (conversation = new Map()));
    for (const id of ids) {
      const known = conversation.get(id);
      if (!known || isFurther(state, known)) conversation.set(id, state);
      const unstored = this.#unstored.get(id);
      if (!unstored || isFurther(state, unstored)) this.#unstored.set(id, state);
    }
    this.#timer ??= setTimeout(() => void this.flush(), this.#delayMs);
  }

  /** Messages as stored, with the progress not yet written laid over them. */
  overlay(messages: ChatMessage[]): ChatMessage[] {
    return messages.map((message) => {
      const state = this.#unstored.get(message.id);
      return state && isFurther(state, message.state) ? { ...message, state } : message;
    });
  }

  /** The conversation is gone: its pending progress has nothing left to write to. */
  forget(peerId: string): void {
    for (const id of this.#pending.get(peerId)?.keys() ?? []) this.#unstored.delete(id);
    this.#pending.delete(peerId);
  }

  /** Writes everything pending now; resolves once every write so far has finished. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batches = this.#pending;
    this.#pending = new Map();
    // Chained, so writes finish in the order they were asked for and `flush` waits for all.
    this.#writing = this.#writing.then(() =>
      Promise.all(
        [...batches].map(([peerId, progress]) =>
          this.#store.advanceOutgoingEach(peerId, progress).then(
            (changed) => {
              this.#written(progress);
              this.#onStored(changed);
            },
            (error: unknown) => {
              this.#written(progress);
              logger.error('chat-progress-not-stored', {
                peerId,
                messages: progress.size,
                error: String(error),
              });
            },
          ),
        ),
      ).then(() => undefined),
    );
    return this.#writing;
  }

  /** A batch is done; what was recorded after it stays for the next one. */
  #written(progress: ReadonlyMap<string, OutgoingProgress>): void {
    for (const [id, state] of progress)
      if (this.#unstored.get(id) === state) this.#unstored.delete(id);
  }
}
