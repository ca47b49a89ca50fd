import { FileSink } from './receive/file-sink.ts';
import { FileSinkError } from './receive/file-sink-error.ts';
import { TransferError, type IncomingFile, type IncomingFiles } from './transfer-ports.ts';

/** The receiving side of the engine (./receive): files written to OPFS by a worker each. */
export function createIncomingFiles(): IncomingFiles {
  return {
    async open(transferId, resume) {
      try {
        return adapt(await FileSink.open(transferId, resume ?? undefined));
      } catch (error) {
        throw asTransferError(error);
      }
    },
    read: (transferId) => FileSink.readFile(transferId),
    remove: (transferId) => FileSink.remove(transferId),
    list: () => FileSink.listPartial(),
  };
}

function adapt(sink: FileSink): IncomingFile {
  return {
    get startOffset() {
      return sink.startOffset;
    },
    get queuedBytes() {
      return sink.queuedBytes;
    },
    append: (chunk) => sink.append(chunk),
    onCheckpoint: (listener) => sink.onCheckpoint(listener),
    onError: (listener) => sink.onError((error) => listener(error.reason, error.message)),
    async finish() {
      try {
        return await sink.finish();
      } catch (error) {
        throw asTransferError(error);
      }
    },
    close: () => sink.terminate(),
    discard: () => sink.discard(),
  };
}

/** The sink's errors in the service's terms; anything else as it is. */
function asTransferError(error: unknown): unknown {
  return error instanceof FileSinkError ? new TransferError(error.reason, error.message) : error;
}
