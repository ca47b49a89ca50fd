// The messages between the host's FileSink and its worker (file-sink.worker.ts). One
// worker stores one transfer. Both ends are this extension's own code, built together,
// so messages are typed rather than decoded: no peer input crosses here but file bytes.

import type { Checkpoint, StoredFile } from './file-sink-core.ts';
import type { FileSinkErrorReason } from './file-sink-error.ts';

/** From the host to the worker, in this order: open, append…, then finish or discard. */
export type ToFileSinkWorker =
  /** Opens (creates) the transfer's file; resumes from `resume` when given. */
  | { type: 'open'; transferId: string; resume?: Checkpoint | undefined }
  /** The next bytes of the file, in order. Posted with `chunks` in the transfer list: moved, not copied. */
  | { type: 'append'; chunks: ArrayBuffer[] }
  /** Every byte is in: flush, close, report the SHA-256. */
  | { type: 'finish' }
  /** Close the file and delete it. Accepted at any time, after a failure too. */
  | { type: 'discard' };

/** From the worker to the host. */
export type FromFileSinkWorker =
  /** The file is open; bytes are appended from `offset` (0 when a resume was refused). */
  | { type: 'opened'; offset: number }
  /** An append's chunks are written (not necessarily flushed): the file now ends at `offset`. */
  | { type: 'written'; offset: number }
  /** Everything up to `offset` is flushed; store this to resume from it. */
  | ({ type: 'checkpoint' } & Checkpoint)
  | ({ type: 'finished' } & StoredFile)
  | { type: 'discarded' }
  /** The file could not be deleted (it stays for the start-up cleanup). */
  | { type: 'discard-failed'; detail: string }
  /**
   * Opening or storing failed. The worker has released the file, ignores further bytes
   * and accepts only `discard`. Sent at most once.
   */
  | { type: 'error'; reason: FileSinkErrorReason; detail: string };
