// The dedicated module worker behind a FileSink: it alone can use OPFS's sync access
// handles, which write in place and flush to disk. (A writable stream, the one write API
// of windows, writes to a swap file that a crash throws away.) All the logic is in
// FileSinkService and FileSinkCore; this file only joins them to the worker and to OPFS.

import { createSHA256 } from 'hash-wasm';
import type { SyncFile } from './file-sink-core.ts';
import { serveFileSink, type FileSinkWorkerScope } from './file-sink-service.ts';
import { incomingDirectory, partFileName, removePartFile } from './part-files.ts';

/**
 * The workers-only method that TypeScript's DOM library leaves out. Declared here because
 * the project's one program cannot also take the "WebWorker" library: the two clash.
 */
interface SyncAccessFileHandle extends FileSystemFileHandle {
  createSyncAccessHandle(): Promise<SyncFile>;
}

async function openPartFile(transferId: string): Promise<SyncFile> {
  const directory = await incomingDirectory();
  const handle = await directory.getFileHandle(partFileName(transferId), { create: true });
  return (handle as SyncAccessFileHandle).createSyncAccessHandle();
}

// The DOM library types `self` as a window; in this file it is the worker's scope.
serveFileSink(self as unknown as FileSinkWorkerScope, {
  storage: { open: openPartFile, remove: removePartFile },
  createHasher: createSHA256,
});
