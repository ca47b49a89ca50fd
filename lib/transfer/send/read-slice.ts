import { SourceUnreadableError } from './transfer-errors.ts';

// What Chrome and Firefox reject a read with when the picked file vanished or changed.
const UNREADABLE = new Set(['NotReadableError', 'NotFoundError']);

/**
 * Reads bytes `start` … `end` of `blob`. A read that the browser refuses, or that comes back
 * short (the file shrank), rejects with SourceUnreadableError; other failures pass through.
 */
export async function readSlice(blob: Blob, start: number, end: number): Promise<ArrayBuffer> {
  let bytes: ArrayBuffer;
  try {
    bytes = await blob.slice(start, end).arrayBuffer();
  } catch (error) {
    if (error instanceof DOMException && UNREADABLE.has(error.name))
      throw new SourceUnreadableError({ cause: error });
    throw error;
  }
  if (bytes.byteLength !== end - start) throw new SourceUnreadableError();
  return bytes;
}
