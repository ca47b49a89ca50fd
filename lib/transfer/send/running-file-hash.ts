import type { HashEngine } from './hash-engine.ts';

/**
 * The SHA-256 of a file being sent, computed from the slices the pump has already read,
 * so the file is read from disk once, not once to send and again to hash. Reading a file
 * costs the browser process as much CPU as hashing it does, and on a machine with few
 * cores that time comes out of the data channel's.
 *
 * Pumps may start anywhere (a resume starts where the receiver's data ends) and may stop
 * anywhere (a dropped connection), so it keeps track of how far the hash has got: bytes
 * it has hashed already are skipped, and bytes no pump has read (before a resume's
 * offset, say, after the sender restarted) it reads from the file itself. Once the hash
 * has reached the file's end, `sha256` settles.
 */
export class RunningFileHash {
  /** The whole file's SHA-256; rejects when the file can no longer be read or on `stop()`. */
  readonly sha256: Promise<string>;
  readonly #file: Blob;
  readonly #engine: HashEngine;
  #hashedTo = 0;
  #finished = false;
  #settle!: { resolve(sha256: string): void; reject(error: unknown): void };

  constructor(file: Blob, engine: HashEngine) {
    this.#file = file;
    this.#engine = engine;
    this.sha256 = new Promise<string>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // Awaited once a pump is through, or never if the transfer ends first.
    this.sha256.catch(() => {});
    if (file.size === 0) this.#finish();
  }

  /** How far the hash has got: bytes 0 … this are in it, or queued for it. */
  get hashedTo(): number {
    return this.#hashedTo;
  }

  /**
   * Bytes `start` … `start + slice.byteLength` of the file, which the pump is done with.
   * Takes the buffer (it may move to a worker): the caller must not touch it afterwards.
   */
  follow(start: number, slice: ArrayBuffer): void {
    const end = start + slice.byteLength;
    if (this.#finished || end <= this.#hashedTo) return;
    if (start > this.#hashedTo) this.#engine.updateFrom(this.#file.slice(this.#hashedTo, start));
    // Only a run that starts inside what is hashed already (a resume) overlaps it.
    const overlap = Math.max(0, this.#hashedTo - start);
    this.#engine.update(overlap === 0 ? slice : slice.slice(overlap));
    this.#hashedTo = end;
    if (end >= this.#file.size) this.#finish();
  }

  /**
   * A pump has sent the file to its end: hashes whatever no pump has read (all of it, when
   * the run had nothing to send), so `sha256` settles.
   */
  readRest(): void {
    if (this.#finished) return;
    this.#engine.updateFrom(this.#file.slice(this.#hashedTo));
    this.#hashedTo = this.#file.size;
    this.#finish();
  }

  /** Gives up: the transfer ended. `sha256` rejects with `reason`. */
  stop(reason: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#engine.dispose();
    this.#settle.reject(reason);
  }

  #finish(): void {
    this.#finished = true;
    this.#engine.digest().then(this.#settle.resolve, this.#settle.reject);
  }
}
