import type { IHasher } from 'hash-wasm';
import { logger } from '../../log.ts';
import { FileSinkCore, type Checkpoint, type SyncFile } from './file-sink-core.ts';
import { FileSinkError, toFileSinkError } from './file-sink-error.ts';
import type { FromFileSinkWorker, ToFileSinkWorker } from './file-sink-messages.ts';

/** What the worker needs of the file system, so that tests can run it on memory. */
export interface FileSinkStorage {
  /** Opens the transfer's file for in-place writes, creating it if need be. */
  open(transferId: string): Promise<SyncFile>;
  /** Deletes the transfer's file; one that is not there is fine. */
  remove(transferId: string): Promise<void>;
}

/** The part of a dedicated worker's global scope the service uses (or a MessagePort). */
export interface FileSinkWorkerScope {
  postMessage(message: FromFileSinkWorker): void;
  addEventListener(
    type: 'message',
    listener: (event: MessageEvent<ToFileSinkWorker>) => void,
  ): void;
}

export interface FileSinkServiceOptions {
  storage: FileSinkStorage;
  /** A fresh SHA-256 hasher (hash-wasm's createSHA256). */
  createHasher: () => Promise<IHasher>;
  /** Defaults to CHECKPOINT_BYTES. */
  checkpointBytes?: number;
}

type ServiceState = 'idle' | 'opening' | 'open' | 'finished' | 'failed' | 'discarded';

/**
 * The worker's side of a FileSink: runs one FileSinkCore on the file `storage` opens and
 * answers in FromFileSinkWorker messages. Messages are handled one after another, in the
 * order they came, though opening takes a few turns of the event loop.
 */
export function serveFileSink(scope: FileSinkWorkerScope, options: FileSinkServiceOptions): void {
  const service = new FileSinkService(options, (message) => scope.postMessage(message));
  let turn = Promise.resolve();
  scope.addEventListener('message', (event) => {
    turn = turn.then(() => service.handle(event.data));
  });
}

class FileSinkService {
  readonly #options: FileSinkServiceOptions;
  readonly #post: (message: FromFileSinkWorker) => void;
  #state: ServiceState = 'idle';
  #transferId: string | undefined;
  #core: FileSinkCore | undefined;

  constructor(options: FileSinkServiceOptions, post: (message: FromFileSinkWorker) => void) {
    this.#options = options;
    this.#post = post;
  }

  /** Never rejects: every failure is answered as a message. */
  async handle(message: ToFileSinkWorker): Promise<void> {
    switch (message.type) {
      case 'open':
        return this.#open(message.transferId, message.resume);
      case 'append':
        return this.#append(message.chunks);
      case 'finish':
        return this.#finish();
      case 'discard':
        return this.#discard();
    }
  }

  async #open(transferId: string, resume: Checkpoint | undefined): Promise<void> {
    if (this.#state !== 'idle')
      return this.#fail(new FileSinkError('failed', 'the file sink is open already'));
    this.#state = 'opening';
    this.#transferId = transferId;
    try {
      // The hasher first: it is the likelier to fail (a policy without 'wasm-unsafe-eval'),
      // and failing then leaves no file open.
      const hasher = await this.#options.createHasher();
      const file = await this.#options.storage.open(transferId);
      const { checkpointBytes } = this.#options;
      const core = FileSinkCore.open({ file, hasher, resume, checkpointBytes });
      if (core.resumeRefused)
        logger.warn('file-sink-resume-refused', { transferId, detail: core.resumeRefused });
      this.#core = core;
      this.#state = 'open';
      this.#post({ type: 'opened', offset: core.startOffset });
    } catch (error) {
      this.#fail(error);
    }
  }

  #append(chunks: ArrayBuffer[]): void {
    // After a failure, bytes still on their way are dropped: the error went out once.
    if (this.#state !== 'open' || !this.#core) return;
    try {
      for (const bytes of chunks) {
        const checkpoint = this.#core.append(new Uint8Array(bytes));
        release(bytes);
        if (checkpoint) this.#post({ type: 'checkpoint', ...checkpoint });
      }
      this.#post({ type: 'written', offset: this.#core.offset });
    } catch (error) {
      this.#fail(error);
    }
  }

  #finish(): void {
    if (this.#state !== 'open' || !this.#core) return;
    try {
      const stored = this.#core.finish();
      this.#state = 'finished';
      this.#post({ type: 'finished', ...stored });
    } catch (error) {
      this.#fail(error);
    }
  }

  async #discard(): Promise<void> {
    if (this.#state === 'discarded') return;
    this.#state = 'discarded';
    // The sync handle locks the file: it must be closed before the file can go.
    this.#core?.close();
    try {
      if (this.#transferId !== undefined) await this.#options.storage.remove(this.#transferId);
      this.#post({ type: 'discarded' });
    } catch (error) {
      this.#post({ type: 'discard-failed', detail: toFileSinkError(error).message });
    }
  }

  #fail(error: unknown): void {
    if (this.#state === 'failed' || this.#state === 'discarded') return;
    this.#state = 'failed';
    this.#core?.close();
    const { reason, message } = toFileSinkError(error);
    this.#post({ type: 'error', reason, detail: message });
  }
}

/**
 * Frees a chunk's memory now that it is written and hashed, rather than at this worker's
 * next garbage collection: a worker that only receives buffers collects rarely, and held
 * 60–100 MiB of spent chunks at a time without this (about 1 MiB with it).
 */
function release(bytes: ArrayBuffer): void {
  (bytes as ArrayBuffer & { transfer?(length: number): ArrayBuffer }).transfer?.(0);
}
