import { createSHA256, type IHasher } from 'hash-wasm';
import { readSlice } from './read-slice.ts';

const MiB = 1024 * 1024;

export interface HashBlobOptions {
  /** Aborting stops hashing within one slice; hashBlob rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bytes per read. */
  sliceBytes?: number;
}

/**
 * The SHA-256 of all of `blob`, as 64 lower-case hex digits. It reads slice by slice, the
 * next read under way while the current slice is hashed, so it holds at most two slices.
 * WebCrypto cannot do this: its digest() takes the whole input at once.
 *
 * Rejects with SourceUnreadableError when the file can no longer be read, and with the
 * signal's reason when aborted.
 */
export async function hashBlob(blob: Blob, options: HashBlobOptions = {}): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  await hashBlobInto(hasher, blob, options);
  return hasher.digest('hex');
}

/**
 * Feeds all of `blob` to `hasher`, slice by slice, as hashBlob does: for a hash that has
 * taken other bytes before these.
 */
export async function hashBlobInto(
  hasher: IHasher,
  blob: Blob,
  options: HashBlobOptions = {},
): Promise<void> {
  const { signal, sliceBytes = 4 * MiB } = options;
  if (!Number.isSafeInteger(sliceBytes) || sliceBytes <= 0)
    throw new RangeError(`Cannot hash in ${sliceBytes}-byte slices`);
  signal?.throwIfAborted();
  const size = blob.size;
  const readFrom = (start: number) => {
    const read = readSlice(blob, start, Math.min(size, start + sliceBytes));
    // If hashing stops before this read is used, its failure is nobody's news.
    read.catch(() => {});
    return read;
  };
  let next = size > 0 ? readFrom(0) : undefined;
  for (let start = 0; next;) {
    const slice = await next;
    signal?.throwIfAborted();
    start += slice.byteLength;
    next = start < size ? readFrom(start) : undefined;
    hasher.update(new Uint8Array(slice));
  }
}
