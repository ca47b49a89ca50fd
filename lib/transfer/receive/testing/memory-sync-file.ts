import type { SyncFile } from '../file-sink-core.ts';

/**
 * A SyncFile in memory that behaves like an OPFS sync handle where it matters to the
 * sink: writes past the end grow the file, `close()` is idempotent and a closed file
 * throws InvalidStateError, and only `flush()` makes bytes survive `afterCrash()`.
 */
export class MemorySyncFile implements SyncFile {
  /** A write that would grow the file past this many bytes throws QuotaExceededError. */
  quota = Number.POSITIVE_INFINITY;
  /** The most bytes one `write` takes; the rest is the caller's to write again. */
  maxWrite = Number.POSITIVE_INFINITY;
  /** Thrown by the next `flush()`, once. */
  flushError: unknown;
  flushes = 0;
  closed = false;
  #bytes: Uint8Array;
  #size: number;
  /** The file as of the last flush: what a crash cannot take away. */
  #durable: Uint8Array;

  constructor(content: Uint8Array = new Uint8Array(0)) {
    this.#bytes = content.slice();
    this.#size = content.length;
    this.#durable = content.slice();
  }

  /** The file's bytes now. */
  content(): Uint8Array {
    return this.#bytes.slice(0, this.#size);
  }

  /** How many bytes the last flush made durable. */
  get durableSize(): number {
    return this.#durable.length;
  }

  /**
   * The file as a reopened browser finds it after a crash: everything flushed, plus the
   * first `unflushedKept` of the bytes written since, which the system may or may not
   * have put on disk, plus `torn` zero bytes: a file system may have grown the file for
   * a write whose data never landed.
   */
  afterCrash(unflushedKept = 0, torn = 0): MemorySyncFile {
    const durable = this.#durable.length;
    const unflushed = this.content().subarray(durable, durable + unflushedKept);
    const content = new Uint8Array(durable + unflushed.length + torn);
    content.set(this.#durable);
    content.set(unflushed, durable);
    return new MemorySyncFile(content);
  }

  write(buffer: Uint8Array, options: { at: number }): number {
    this.#assertOpen();
    const length = Math.min(buffer.length, this.maxWrite);
    const end = options.at + length;
    if (end > this.quota)
      throw new DOMException(
        'The operation failed because it would exceed quota',
        'QuotaExceededError',
      );
    this.#reserve(end);
    this.#bytes.set(buffer.subarray(0, length), options.at);
    this.#size = Math.max(this.#size, end);
    return length;
  }

  truncate(newSize: number): void {
    this.#assertOpen();
    this.#reserve(newSize);
    this.#bytes.fill(0, Math.min(this.#size, newSize));
    this.#size = newSize;
  }

  flush(): void {
    this.#assertOpen();
    if (this.flushError !== undefined) {
      const error = this.flushError;
      this.flushError = undefined;
      throw error;
    }
    this.flushes += 1;
    this.#durable = this.content();
  }

  getSize(): number {
    this.#assertOpen();
    return this.#size;
  }

  close(): void {
    this.closed = true;
  }

  #assertOpen(): void {
    if (this.closed) throw new DOMException('The access handle was closed', 'InvalidStateError');
  }

  #reserve(size: number): void {
    if (size <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(size, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.#size));
    this.#bytes = grown;
  }
}
