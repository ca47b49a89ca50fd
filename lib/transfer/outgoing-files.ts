import { hashFileInWorker } from './send/hash-file-in-worker.ts';
import { pumpFile } from './send/pump-file.ts';
import { ChannelClosedError, SourceUnreadableError } from './send/transfer-errors.ts';
import { TransferError, type OutgoingFiles } from './transfer-ports.ts';

/**
 * The sending side of the engine (./send), as the transfer service uses it. Hashing runs
 * in a worker; tests, which have none, pass `hashBlob`.
 */
export function createOutgoingFiles(hash = hashFileInWorker): OutgoingFiles {
  return {
    async pump({ file, from, channel, signal, onProgress }) {
      try {
        await pumpFile({ file, from, channel, signal, onProgress });
      } catch (error) {
        throw asTransferError(error);
      }
    },
    async hash(file, signal) {
      try {
        return await hash(file, { signal });
      } catch (error) {
        throw asTransferError(error);
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
