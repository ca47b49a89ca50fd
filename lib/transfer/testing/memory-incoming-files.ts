import { createSHA256 } from 'hash-wasm';
import { FileSinkCore, type Checkpoint } from '../receive/file-sink-core.ts';
import { FileSinkError } from '../receive/file-sink-error.ts';
import { MemorySyncFile } from '../receive/testing/memory-sync-file.ts';
import { TransferError, type IncomingFile, type IncomingFiles } from '../transfer-ports.ts';

/**
 * The receiving side's disk in memory: the real FileSinkCore and hasher on MemorySyncFiles
 * instead of the OPFS worker, so a test can also crash it (only flushed bytes survive).
 */
export class MemoryIncomingFiles implements IncomingFiles {
  readonly files = new Map<string, MemorySyncFile>();
  /** Bytes any one file may grow to before its writes fail with QuotaExceededError. */
  quota = Number.POSITIVE_INFINITY;
  /** Checkpoints come this often (the real sink's 8 MiB is a lot of test data). */
  readonly checkpointBytes: number;

  constructor(checkpointBytes = 256 * 1024) {
    this.checkpointBytes = checkpointBytes;
  }

  /** Set by a test: what opening a file fails with (a full disk, say), as the real one's adapter reports it. */
  openFailure: Error | undefined;

  async open(transferId: string, resume: Checkpoint | null): Promise<IncomingFile> {
    if (this.openFailure) throw this.openFailure;
    let file = this.files.get(transferId);
    // OPFS gives one sync handle per file at a time.
    if (file && !file.closed)
      throw new DOMException('The file is in use.', 'NoModificationAllowedError');
    if (!file || file.closed) {
      file = new MemorySyncFile(file?.content());
      this.files.set(transferId, file);
    }
    file.quota = this.quota;
    const core = FileSinkCore.open({
      file,
      hasher: await createSHA256(),
      resume: resume ?? undefined,
      checkpointBytes: this.checkpointBytes,
    });
    return new MemoryIncomingFile(core, () => this.files.delete(transferId));
  }

  read(transferId: string): Promise<File> {
    const file = this.files.get(transferId);
    if (!file) return Promise.reject(new Error(`no file for ${transferId}`));
    return Promise.resolve(new File([file.content().slice()], transferId));
  }

  remove(transferId: string): Promise<void> {
    const file = this.files.get(transferId);
    // OPFS refuses to delete a file a sync handle still holds.
    if (file && !file.closed)
      return Promise.reject(new DOMException('The file is in use.', 'NoModificationAllowedError'));
    this.files.delete(transferId);
    return Promise.resolve();
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()]);
  }

  /** The browser crashed: each file keeps only what was flushed. */
  crash(): void {
    for (const [id, file] of this.files) {
      const survivor = file.afterCrash();
      // Nothing holds it once the browser is gone.
      survivor.close();
      this.files.set(id, survivor);
    }
  }
}

class MemoryIncomingFile implements IncomingFile {
  readonly queuedBytes = 0;
  readonly #core: FileSinkCore;
  readonly #delete: () => void;
  readonly #checkpointListeners: ((point: Checkpoint) => void)[] = [];
  readonly #errorListeners: ((reason: 'no-space' | 'failed', detail: string) => void)[] = [];

  constructor(core: FileSinkCore, remove: () => void) {
    this.#core = core;
    this.#delete = remove;
  }

  get startOffset(): number {
    return this.#core.startOffset;
  }

  append(chunk: ArrayBuffer): void {
    // The real sink moves the buffer to its worker, which leaves `chunk` empty: so here.
    const moved = structuredClone(chunk, { transfer: [chunk] });
    try {
      const point = this.#core.append(new Uint8Array(moved));
      if (point) for (const listener of this.#checkpointListeners) listener(point);
    } catch (error) {
      const sinkError = error as FileSinkError;
      // Reported asynchronously, as the worker's message would be.
      setTimeout(() => {
        for (const listener of this.#errorListeners) listener(sinkError.reason, sinkError.message);
      }, 0);
    }
  }

  onCheckpoint(listener: (point: Checkpoint) => void): void {
    this.#checkpointListeners.push(listener);
  }

  onError(listener: (reason: 'no-space' | 'failed', detail: string) => void): void {
    this.#errorListeners.push(listener);
  }

  finish(): Promise<{ sha256: string; size: number }> {
    try {
      return Promise.resolve(this.#core.finish());
    } catch (error) {
      const sinkError = error as FileSinkError;
      return Promise.reject(new TransferError(sinkError.reason, sinkError.message));
    }
  }

  close(): void {
    // The real sink's worker lets go of the file a moment later, after a message.
    setTimeout(() => this.#core.close(), 0);
  }

  discard(): Promise<void> {
    this.#core.close();
    this.#delete();
    return Promise.resolve();
  }
}
