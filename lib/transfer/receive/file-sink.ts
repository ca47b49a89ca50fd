import type { Checkpoint, StoredFile } from './file-sink-core.ts';
import { FileSinkError } from './file-sink-error.ts';
import type { FromFileSinkWorker, ToFileSinkWorker } from './file-sink-messages.ts';
import { listPartFiles, readPartFile, removePartFile } from './part-files.ts';

/** The part of a Worker a FileSink uses; tests hand in one end of a MessageChannel. */
export interface FileSinkWorker {
  postMessage(message: ToFileSinkWorker, transfer: Transferable[]): void;
  addEventListener(
    type: 'message',
    listener: (event: MessageEvent<FromFileSinkWorker>) => void,
  ): void;
  /** The worker's script failed to load or threw: the worker is of no further use. */
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

/**
 * Chunks go to the worker in batches of about this much: each message between threads
 * costs both of them a fixed amount of work, so one message per MiB rather than one per
 * chunk leaves more of the CPU for the data channel. Chunks are moved, never copied.
 */
const BATCH_BYTES = 1024 * 1024;
/** A batch that has not filled up goes this long after its first chunk came. */
const BATCH_DELAY_MS = 50;

/** Written this way (a URL literal beside import.meta.url), Vite bundles the worker. */
function spawnWorker(): FileSinkWorker {
  return new Worker(new URL('./file-sink.worker.ts', import.meta.url), {
    type: 'module',
    name: 'parley-file-sink',
  });
}

type SinkState =
  | 'opening'
  | 'open'
  | 'finishing'
  | 'finished'
  | 'failed'
  | 'discarding'
  | 'discarded'
  | 'terminated';

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: FileSinkError): void;
}

/**
 * Stores one incoming file on disk (OPFS) as its bytes arrive, from the host's thread:
 * a dedicated worker does the writing and hashing (see file-sink.worker.ts).
 *
 * Back-pressure: none, by design. A receiver cannot slow a data channel (it delivers
 * every message as it comes, with no way to pause), so chunks go to the worker at the
 * channel's rate, about 40 MB/s. The worker hashes at several hundred MB/s (hash-wasm's
 * SHA-256 does about 300 MB/s in V8) and writes at the disk's speed, so its queue stays
 * near one chunk. Only a disk slower than the channel (a slow USB stick, a network home
 * folder) lets it grow, by the difference. `queuedBytes` shows it; a caller that sees it
 * climb can close the channel and resume later from the last checkpoint, which is the
 * protocol's own way to pause.
 */
export class FileSink {
  readonly transferId: string;
  readonly #worker: FileSinkWorker;
  #state: SinkState = 'opening';
  #error: FileSinkError | undefined;
  #workerGone = false;
  #startOffset = 0;
  /** Where the file will end once every chunk posted so far is written. */
  #postedOffset = 0;
  #writtenOffset = 0;
  readonly #checkpointListeners = new Set<(checkpoint: Checkpoint) => void>();
  readonly #errorListeners = new Set<(error: FileSinkError) => void>();
  /** Chunks not yet posted to the worker (see BATCH_BYTES). */
  #batch: ArrayBuffer[] = [];
  #batchBytes = 0;
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  #opening: Deferred<void> | undefined;
  #finishing: Deferred<StoredFile> | undefined;
  #discarding: Promise<void> | undefined;
  #discarded: Deferred<void> | undefined;

  private constructor(transferId: string, worker: FileSinkWorker) {
    this.transferId = transferId;
    this.#worker = worker;
    worker.addEventListener('message', (event) => this.#receive(event.data));
    worker.addEventListener('error', (event) => this.#workerFailed(event));
  }

  /**
   * Starts a worker and opens the transfer's file in it: from `resume` when given, else
   * empty. Resolves once the file is open; rejects with a FileSinkError (and ends the
   * worker) when it cannot be. Check `startOffset`: a resume the stored file cannot
   * honour starts over from 0.
   */
  static open(
    transferId: string,
    resume?: Checkpoint,
    createWorker: () => FileSinkWorker = spawnWorker,
  ): Promise<FileSink> {
    let worker: FileSinkWorker;
    try {
      worker = createWorker();
    } catch (error) {
      return Promise.reject(new FileSinkError('failed', `no worker: ${String(error)}`));
    }
    const sink = new FileSink(transferId, worker);
    return new Promise<void>((resolve, reject) => {
      sink.#opening = { resolve, reject };
      sink.#post({ type: 'open', transferId, resume });
    }).then(
      () => sink,
      (error: unknown) => {
        sink.terminate();
        throw error;
      },
    );
  }

  /** A stored file, e.g. to save it to Downloads once it is verified. */
  static readFile(transferId: string): Promise<File> {
    return readPartFile(transferId);
  }

  /** Deletes a transfer's stored file; resolves as well when there is none. */
  static remove(transferId: string): Promise<void> {
    return removePartFile(transferId);
  }

  /** The transfers with a file on disk, to delete those no transfer record wants. */
  static listPartial(): Promise<string[]> {
    return listPartFiles();
  }

  /** Where the bytes appended go: the resume offset, or 0 (a refused resume starts over). */
  get startOffset(): number {
    return this.#startOffset;
  }

  /** Bytes handed to the worker and not yet written (see the class's note on back-pressure). */
  get queuedBytes(): number {
    return this.#postedOffset - this.#writtenOffset;
  }

  /**
   * Hands the next chunk to the worker. The chunk is moved, not copied: `chunk` is empty
   * afterwards. Chunks after a failure are dropped (the failure has been reported); after
   * `finish`, `discard` or `terminate` they are a mistake, and throw a FileSinkError.
   */
  append(chunk: ArrayBuffer): void {
    if (this.#state === 'failed') return;
    if (this.#state !== 'open')
      throw new FileSinkError('failed', `cannot append: the file sink is ${this.#state}`);
    this.#postedOffset += chunk.byteLength;
    this.#batch.push(chunk);
    this.#batchBytes += chunk.byteLength;
    if (this.#batchBytes >= BATCH_BYTES) this.#sendBatch();
    else this.#batchTimer ??= setTimeout(() => this.#sendBatch(), BATCH_DELAY_MS);
  }

  /** Hears each checkpoint (flushed offset and hash state), to store it for a resume. */
  onCheckpoint(listener: (checkpoint: Checkpoint) => void): () => void {
    this.#checkpointListeners.add(listener);
    return () => this.#checkpointListeners.delete(listener);
  }

  /** Hears of a failure to store, once. The sink is then of use only to `discard`. */
  onError(listener: (error: FileSinkError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Every byte is appended: writes what is queued, flushes, and returns the SHA-256. */
  finish(): Promise<StoredFile> {
    if (this.#state === 'failed' && this.#error) return Promise.reject(this.#error);
    if (this.#state !== 'open')
      return Promise.reject(
        new FileSinkError('failed', `cannot finish: the file sink is ${this.#state}`),
      );
    this.#sendBatch();
    this.#state = 'finishing';
    return new Promise<StoredFile>((resolve, reject) => {
      this.#finishing = { resolve, reject };
      this.#post({ type: 'finish' });
    });
  }

  /**
   * Stops and deletes the file, at any time (a pending `finish` then rejects). Rejects
   * with a FileSinkError when the file could not be deleted.
   */
  discard(): Promise<void> {
    this.#discarding ??= this.#startDiscard();
    return this.#discarding;
  }

  /**
   * Stops at once, keeping what was flushed: a later FileSink may resume from the last
   * checkpoint. Pending promises reject.
   */
  terminate(): void {
    if (!this.#workerGone) this.#worker.terminate();
    this.#workerGone = true;
    if (this.#state === 'finished' || this.#state === 'discarded') return;
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    const error = new FileSinkError('failed', 'the file sink was terminated');
    this.#settle(error);
    this.#discarded?.reject(error);
    this.#discarded = undefined;
  }

  #startDiscard(): Promise<void> {
    this.#settle(new FileSinkError('failed', 'the file sink was discarded'));
    // With no worker (or a finished one) the host's thread can delete the file itself.
    if (this.#workerGone || this.#state === 'finished') {
      this.#state = 'discarded';
      this.terminate();
      return removePartFile(this.transferId);
    }
    this.#state = 'discarding';
    return new Promise<void>((resolve, reject) => {
      this.#discarded = { resolve, reject };
      this.#post({ type: 'discard' });
    });
  }

  #receive(message: FromFileSinkWorker): void {
    switch (message.type) {
      case 'opened':
        this.#startOffset = this.#postedOffset = this.#writtenOffset = message.offset;
        if (this.#state === 'opening') this.#state = 'open';
        this.#opening?.resolve();
        this.#opening = undefined;
        return;
      case 'written':
        if (this.#state === 'open' || this.#state === 'finishing')
          this.#writtenOffset = message.offset;
        return;
      case 'checkpoint': {
        const checkpoint = { offset: message.offset, hashState: message.hashState };
        for (const listener of [...this.#checkpointListeners]) listener(checkpoint);
        return;
      }
      case 'finished':
        if (this.#state === 'finishing') this.#state = 'finished';
        this.#writtenOffset = this.#postedOffset;
        this.#finishing?.resolve({ sha256: message.sha256, size: message.size });
        this.#finishing = undefined;
        if (this.#state === 'finished') this.terminate();
        return;
      case 'discarded':
        this.#state = 'discarded';
        this.#discarded?.resolve();
        this.#discarded = undefined;
        this.terminate();
        return;
      case 'discard-failed':
        this.#state = 'discarded';
        this.#discarded?.reject(new FileSinkError('failed', message.detail));
        this.#discarded = undefined;
        this.terminate();
        return;
      case 'error':
        this.#fail(new FileSinkError(message.reason, message.detail));
        return;
    }
  }

  #workerFailed(event: Event): void {
    // An ErrorEvent carries a message; a worker that did not load may give a bare Event.
    const detail =
      'message' in event && typeof event.message === 'string' && event.message
        ? event.message
        : 'the worker failed';
    this.#workerGone = true;
    this.#worker.terminate();
    this.#fail(new FileSinkError('failed', `file sink worker: ${detail}`));
    // A discard waiting on the worker now deletes the file from here.
    if (this.#discarded) {
      const waiting = this.#discarded;
      this.#discarded = undefined;
      removePartFile(this.transferId).then(waiting.resolve, waiting.reject);
    }
  }

  #fail(error: FileSinkError): void {
    if (this.#state !== 'opening' && this.#state !== 'open' && this.#state !== 'finishing') return;
    this.#state = 'failed';
    this.#error = error;
    // Nothing queued will be written now.
    this.#writtenOffset = this.#postedOffset;
    this.#settle(error);
    for (const listener of [...this.#errorListeners]) listener(error);
  }

  /** Rejects whatever waits for opening or finishing. */
  #settle(error: FileSinkError): void {
    this.#opening?.reject(error);
    this.#finishing?.reject(error);
    this.#opening = this.#finishing = undefined;
  }

  /** Moves the chunks appended since the last batch to the worker, in one message. */
  #sendBatch(): void {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    if (this.#batch.length === 0) return;
    const chunks = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    // After a failure or a stop, nothing more is written: the chunks are dropped.
    if (this.#state === 'open') this.#post({ type: 'append', chunks }, chunks);
  }

  #post(message: ToFileSinkWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}
