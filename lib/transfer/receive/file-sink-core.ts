import type { IHasher } from 'hash-wasm';
import { FileSinkError, toFileSinkError } from './file-sink-error.ts';

/**
 * How many bytes the sink writes between flushes. Each flush is a checkpoint: a crash
 * loses at most this much, which the sender sends again (about 0.2 s at 40 MB/s), and
 * the caller stores a checkpoint this rarely (a few times a second at most).
 */
export const CHECKPOINT_BYTES = 8 * 1024 * 1024;

/**
 * The part of OPFS's FileSystemSyncAccessHandle the sink uses, so that tests can stand
 * in for a file the browser only offers to dedicated workers.
 */
export interface SyncFile {
  /** Writes `buffer` at byte `at`; returns how many bytes it wrote. */
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(newSize: number): void;
  /** Makes every write so far durable: a crash after it loses none of them. */
  flush(): void;
  getSize(): number;
  /** Releases the file (a sync handle holds an exclusive lock on it). Idempotent. */
  close(): void;
}

/** How far a transfer's data is safely on disk: what a resumed transfer starts from. */
export interface Checkpoint {
  /** Bytes from the start of the file, all written and flushed. */
  offset: number;
  /** The SHA-256 hasher's state after exactly those bytes (hash-wasm's `save()`). */
  hashState: Uint8Array;
}

/** A complete file: its SHA-256 (lower-case hex) and size in bytes. */
export interface StoredFile {
  sha256: string;
  size: number;
}

export interface FileSinkCoreOptions {
  file: SyncFile;
  /** A SHA-256 hasher from hash-wasm; the sink initialises it, or loads `resume`'s state. */
  hasher: IHasher;
  /** Where an interrupted transfer stopped: a checkpoint this sink reported before. */
  resume?: Checkpoint | undefined;
  /** Defaults to CHECKPOINT_BYTES; tests make it small. */
  checkpointBytes?: number | undefined;
}

type SinkState = 'open' | 'finished' | 'failed' | 'closed';

/**
 * Writes a received file to disk chunk by chunk, in order, hashing it as it goes, so the
 * file is never held in memory. Independent of workers and OPFS: the worker gives it a
 * sync handle and passes on what it returns.
 *
 * Every method throws only FileSinkError. After one, the sink has released the file and
 * refuses everything but `close()`.
 */
export class FileSinkCore {
  /**
   * Where writing starts: the resume checkpoint's offset, or 0 when there was none or the
   * stored file could not honour it (see `resumeRefused`).
   */
  readonly startOffset: number;
  /** Why a resume checkpoint was not used and the file started over, if it was not. */
  readonly resumeRefused: string | undefined;
  readonly #file: SyncFile;
  readonly #hasher: IHasher;
  readonly #checkpointBytes: number;
  #offset: number;
  #checkpointed: number;
  #state: SinkState = 'open';
  #error: FileSinkError | undefined;

  private constructor(options: FileSinkCoreOptions, start: ResumePoint) {
    this.#file = options.file;
    this.#hasher = options.hasher;
    this.#checkpointBytes = options.checkpointBytes ?? CHECKPOINT_BYTES;
    this.startOffset = this.#offset = this.#checkpointed = start.offset;
    this.resumeRefused = start.refused;
  }

  /**
   * Prepares the file: empties it, or cuts it back to the resume checkpoint (bytes after
   * it may be half-written by a crash) and restores the hash state from there.
   */
  static open(options: FileSinkCoreOptions): FileSinkCore {
    try {
      return new FileSinkCore(options, prepare(options.file, options.hasher, options.resume));
    } catch (error) {
      closeQuietly(options.file);
      throw toFileSinkError(error);
    }
  }

  /** Bytes in the file so far: written, not necessarily flushed. */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Writes the next chunk at the end of the file. Returns a checkpoint once the file has
   * grown by `checkpointBytes` since the last one, after flushing: a checkpoint only ever
   * names bytes that are on disk.
   */
  append(bytes: Uint8Array): Checkpoint | undefined {
    this.#assertOpen();
    try {
      this.#write(bytes);
      this.#hasher.update(bytes);
      this.#offset += bytes.length;
      if (this.#offset - this.#checkpointed < this.#checkpointBytes) return undefined;
      this.#file.flush();
      this.#checkpointed = this.#offset;
      return { offset: this.#offset, hashState: this.#hasher.save() };
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /** Flushes and closes the file: every byte is in. */
  finish(): StoredFile {
    this.#assertOpen();
    try {
      this.#file.flush();
      // Anything else touching the file (another sink, a cleanup) would corrupt it unseen.
      const size = this.#file.getSize();
      if (size !== this.#offset)
        throw new FileSinkError('failed', `wrote ${this.#offset} bytes, the file has ${size}`);
      this.#file.close();
      this.#state = 'finished';
      return { sha256: this.#hasher.digest('hex'), size };
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /**
   * Gives up without finishing: releases the file, keeping what is on it (a later sink
   * may resume from the last checkpoint, or the caller deletes it). Never throws.
   */
  close(): void {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    closeQuietly(this.#file);
  }

  // A sync handle may write less than asked; what is left is written at once after it.
  #write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = this.#offset + done;
      const written = this.#file.write(bytes.subarray(done), { at });
      if (!(written > 0))
        throw new FileSinkError('failed', `the file took none of ${bytes.length - done} bytes`);
      done += written;
    }
  }

  #assertOpen(): void {
    if (this.#state === 'open') return;
    throw this.#error ?? new FileSinkError('failed', `the file sink is ${this.#state}`);
  }

  #fail(error: unknown): FileSinkError {
    this.#state = 'failed';
    this.#error = toFileSinkError(error);
    closeQuietly(this.#file);
    return this.#error;
  }
}

interface ResumePoint {
  offset: number;
  refused?: string | undefined;
}

/**
 * Sets the file and the hasher at the resume checkpoint, or at 0. A checkpoint the file
 * cannot honour (shorter than it says, or a hash state from another build of hash-wasm
 * after an update) starts the file over rather than fail: the sender sends it again.
 */
function prepare(file: SyncFile, hasher: IHasher, resume: Checkpoint | undefined): ResumePoint {
  hasher.init();
  const refused = resume && refuseResume(file, hasher, resume);
  if (refused) hasher.init();
  const offset = resume && !refused ? resume.offset : 0;
  file.truncate(offset);
  return { offset, refused };
}

/** Loads the checkpoint's hash state; says why not if it cannot be resumed from. */
function refuseResume(file: SyncFile, hasher: IHasher, resume: Checkpoint): string | undefined {
  const size = file.getSize();
  if (!Number.isSafeInteger(resume.offset) || resume.offset < 0 || resume.offset > size)
    return `the checkpoint is at ${resume.offset}, the file has ${size} bytes`;
  try {
    hasher.load(resume.hashState);
    return undefined;
  } catch (error) {
    return `the hash state does not load: ${toFileSinkError(error).message}`;
  }
}

function closeQuietly(file: SyncFile): void {
  try {
    file.close();
  } catch {
    // Closing is only to release the lock; a file that will not close has nothing to keep.
  }
}
