import { FileSink } from './receive/file-sink.ts';
import { FileSinkError } from './receive/file-sink-error.ts';
import { TransferError, type IncomingFile, type IncomingFiles } from './transfer-ports.ts';

/** The receiving side of the engine (./receive): files written to OPFS by a worker each. */
export function createIncomingFiles(): IncomingFiles {
  return {
    async open(transferId, resume) {
      const sink = await FileSink.open(transferId, resume ?? undefined);
      return adapt(sink);
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
        if (error instanceof FileSinkError) throw new TransferError(error.reason, error.message);
        throw error;
      }
    },
    close: () => sink.terminate(),
    discard: () => sink.discard(),
  };
}
