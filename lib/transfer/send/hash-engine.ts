import { createSHA256, type IHasher } from 'hash-wasm';
import { hashBlobInto } from './hash-blob.ts';

/**
 * A SHA-256 fed in order, from bytes already in memory or from a file it reads itself.
 * Calls return at once and take effect in the order made; a failure (a file that can no
 * longer be read) surfaces from `digest()`.
 */
export interface HashEngine {
  /** Hashes these bytes next. Takes the buffer: the caller must not touch it afterwards. */
  update(bytes: ArrayBuffer): void;
  /** Hashes all of `blob` next, reading it slice by slice. */
  updateFrom(blob: Blob): void;
  /** The SHA-256 (64 lower-case hex digits) of everything before it. The last call. */
  digest(): Promise<string>;
  /** Stops at once, dropping what is queued; `digest()` then rejects with an AbortError. */
  dispose(): void;
}

/**
 * A HashEngine on this thread (hash-wasm). The host hashes in a worker instead
 * (hash-engine-in-worker.ts), which runs this one; tests, in Node, use it directly.
 */
export function createHashEngine(): HashEngine {
  let disposed = false;
  // Every call chains on the last, so bytes are hashed in the order given, and reads of a
  // file finish before later bytes go in.
  let queue: Promise<IHasher> = createSHA256().then((hasher) => {
    hasher.init();
    return hasher;
  });
  const then = (step: (hasher: IHasher) => unknown) => {
    queue = queue.then(async (hasher) => {
      if (!disposed) await step(hasher);
      return hasher;
    });
    // A failure is reported by digest(); until then it is not an unhandled rejection.
    queue.catch(() => {});
  };
  return {
    update(bytes) {
      then((hasher) => hasher.update(new Uint8Array(bytes)));
    },
    updateFrom(blob) {
      then((hasher) => hashBlobInto(hasher, blob));
    },
    async digest() {
      const hasher = await queue;
      if (disposed) throw new DOMException('The hash was stopped', 'AbortError');
      return hasher.digest('hex');
    },
    dispose() {
      disposed = true;
    },
  };
}
