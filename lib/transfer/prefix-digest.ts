import { createSHA256 } from 'hash-wasm';

/** The SHA-256 of no bytes: what a file-accept at offset 0 carries. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The SHA-256 of the bytes a receiver stored, from the hash state of its last checkpoint
 * (hash-wasm's `save()`): no byte is read again. With no state, nothing is stored.
 * The state is copied into a hasher of its own, so the sink's keeps going untouched.
 */
export async function storedPrefixSha256(hashState: Uint8Array | null): Promise<string> {
  if (!hashState) return EMPTY_SHA256;
  const hasher = await createSHA256();
  hasher.load(hashState);
  return hasher.digest('hex');
}
