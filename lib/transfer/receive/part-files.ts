import { toFileSinkError } from './file-sink-error.ts';

// Where received files live in the origin private file system: `incoming/<transferId>.part`,
// kept there until verified and saved, or deleted. Used by the worker and the host alike.

const INCOMING_DIRECTORY = 'incoming';
const PART_SUFFIX = '.part';

/** The folder of received files, created on first use. */
export async function incomingDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(INCOMING_DIRECTORY, { create: true });
}

export function partFileName(transferId: string): string {
  return `${transferId}${PART_SUFFIX}`;
}

/** The stored file of a transfer, as a File (e.g. to save it to Downloads once verified). */
export async function readPartFile(transferId: string): Promise<File> {
  try {
    const directory = await incomingDirectory();
    const handle = await directory.getFileHandle(partFileName(transferId));
    return await handle.getFile();
  } catch (error) {
    throw toFileSinkError(error);
  }
}

/** Deletes a transfer's stored file; one that is not there is already deleted. */
export async function removePartFile(transferId: string): Promise<void> {
  try {
    const directory = await incomingDirectory();
    await directory.removeEntry(partFileName(transferId));
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return;
    throw toFileSinkError(error);
  }
}

/** The transfer ids that have a stored file: finished, partial or abandoned. */
export async function listPartFiles(): Promise<string[]> {
  try {
    const directory = await incomingDirectory();
    const ids: string[] = [];
    for await (const [name, handle] of directory.entries())
      if (handle.kind === 'file' && name.endsWith(PART_SUFFIX))
        ids.push(name.slice(0, -PART_SUFFIX.length));
    return ids;
  } catch (error) {
    throw toFileSinkError(error);
  }
}
