import type { HashEngine } from './send/hash-engine.ts';
import { createHashEngineInWorker } from './send/hash-engine-in-worker.ts';
import { pumpFile } from './send/pump-file.ts';
import { RunningFileHash } from './send/running-file-hash.ts';
import { ChannelClosedError, SourceUnreadableError } from './send/transfer-errors.ts';
import { TransferError, type OutgoingFiles, type OutgoingHash } from './transfer-ports.ts';

/**
 * The sending side of the engine (./send), as the transfer service uses it. Hashing runs
 * in a worker; tests, which have none, pass `createHashEngine` (this thread).
 */
export function createOutgoingFiles(
  createEngine: () => HashEngine = createHashEngineInWorker,
): OutgoingFiles {
  // What the service holds is only the promise; the pump needs the hash behind it.
  const running = new WeakMap<OutgoingHash, RunningFileHash>();
  return {
    async pump({ file, from, channel, signal, onProgress, hash }) {
      const fileHash = running.get(hash);
      try {
        await pumpFile({
          file,
          from,
          channel,
          signal,
          onProgress,
          onSliceSent: (start, slice) => fileHash?.follow(start, slice),
        });
        fileHash?.readRest();
      } catch (error) {
        throw asTransferError(error);
      }
    },
    hash(file, signal) {
      const fileHash = new RunningFileHash(file, createEngine());
      const stop = () => fileHash.stop(signal.reason);
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      const sha256 = fileHash.sha256.catch((error: unknown) => {
        throw asTransferError(error);
      });
      // Awaited once a pump is through, or never if the transfer ends first.
      sha256.catch(() => {});
      const outgoingHash: OutgoingHash = { sha256 };
      running.set(outgoingHash, fileHash);
      return outgoingHash;
    },
    async digest(blob, signal) {
      signal.throwIfAborted();
      const engine = createEngine();
      const stop = () => engine.dispose();
      signal.addEventListener('abort', stop, { once: true });
      try {
        engine.updateFrom(blob);
        return await engine.digest();
      } catch (error) {
        signal.throwIfAborted();
        throw asTransferError(error);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
  };
}

/** The engine's typed errors in the service's terms; anything else (an abort) as it is. */
function asTransferError(error: unknown): unknown {
  if (error instanceof SourceUnreadableError)
    return new TransferError('source-unreadable', error.message);
  if (error instanceof ChannelClosedError)
    return new TransferError('channel-closed', error.message);
  return error;
}
