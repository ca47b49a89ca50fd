/** `size` pseudo-random bytes: bytes sent from the wrong place do not match by chance. */
export function patternBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 1) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/**
 * A stand-in for a Blob whose reads go through `read`, which gets the real read to call or
 * replace: for reads that fail, hang, or are recorded. Its slices are stand-ins too, and
 * their reads go through `read` with offsets in the whole blob.
 */
export function blobReadingWith(
  blob: Blob,
  read: (start: number, end: number, real: () => Promise<ArrayBuffer>) => Promise<ArrayBuffer>,
  offset = 0,
): Blob {
  const stand = {
    size: blob.size,
    slice: (start = 0, end = blob.size) => {
      const part = blob.slice(start, end);
      return blobReadingWith(part, read, offset + start);
    },
    arrayBuffer: () => read(offset, offset + blob.size, () => blob.arrayBuffer()),
  };
  return stand as unknown as Blob;
}

/**
 * Where two byte arrays first differ (-1 if they do not) and their lengths: as quick to
 * compare as it is to read when it fails, unlike a deep equality over megabytes.
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array) {
  const shorter = Math.min(actual.length, expected.length);
  let firstDifference = actual.length === expected.length ? -1 : shorter;
  for (let i = 0; i < shorter; i += 1)
    if (actual[i] !== expected[i]) {
      firstDifference = i;
      break;
    }
  return { length: actual.length, firstDifference };
}
