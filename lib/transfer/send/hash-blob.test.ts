import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBlob } from './hash-blob.ts';
import { blobReadingWith, patternBytes } from './testing/test-blobs.ts';
import { SourceUnreadableError } from './transfer-errors.ts';

const MiB = 1024 * 1024;
const SLICE = 4 * MiB;

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}

describe('hashBlob', () => {
  it('hashes nothing to the SHA-256 of nothing', async () => {
    expect(await hashBlob(new Blob([]))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it.each([1, SLICE - 1, SLICE, SLICE + 1, 9 * MiB + 7])(
    'equals WebCrypto for a %i-byte blob',
    async (size) => {
      const bytes = patternBytes(size);
      expect(await hashBlob(new Blob([bytes]))).toBe(await webCryptoHex(bytes));
    },
  );

  it('equals WebCrypto for any size and slice size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 700 }),
        async (size, sliceBytes) => {
          const bytes = patternBytes(size, size + 3);
          expect(await hashBlob(new Blob([bytes]), { sliceBytes })).toBe(await webCryptoHex(bytes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('asks for the next slice as soon as one arrives, and never further ahead', async () => {
    const bytes = patternBytes(10_000);
    const reads: { start: number; finish: () => void }[] = [];
    const file = blobReadingWith(
      new Blob([bytes]),
      (start, _end, real) =>
        new Promise((resolve) => reads.push({ start, finish: () => resolve(real()) })),
    );
    const hashing = hashBlob(file, { sliceBytes: 3_000 });
    const asked = async () => {
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
      return reads.map((read) => read.start);
    };
    expect(await asked()).toEqual([0]);
    // Each slice that arrives sets off the read of the next, and nothing beyond it.
    for (let i = 0; i < 3; i += 1) {
      reads[i]?.finish();
      expect(await asked()).toEqual([0, 3_000, 6_000, 9_000].slice(0, i + 2));
    }
    reads[3]?.finish();
    expect(await hashing).toBe(await webCryptoHex(bytes));
  });

  it.each(['NotReadableError', 'NotFoundError'])(
    'rejects with SourceUnreadableError on %s',
    async (name) => {
      const file = blobReadingWith(new Blob([patternBytes(10_000)]), (start, _end, real) =>
        start >= 5_000 ? Promise.reject(new DOMException('gone', name)) : real(),
      );
      await expect(hashBlob(file, { sliceBytes: 2_500 })).rejects.toBeInstanceOf(
        SourceUnreadableError,
      );
    },
  );

  it('rejects with the reason when aborted before it starts', async () => {
    const reason = new Error('not needed');
    await expect(
      hashBlob(new Blob([patternBytes(10)]), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('rejects with the reason when aborted mid-way, reading no further', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const asked: number[] = [];
    const file = blobReadingWith(new Blob([patternBytes(10_000)]), (start, _end, real) => {
      asked.push(start);
      if (start === 2_000) controller.abort(reason);
      return real();
    });
    await expect(hashBlob(file, { signal: controller.signal, sliceBytes: 1_000 })).rejects.toBe(
      reason,
    );
    expect(asked).toEqual([0, 1_000, 2_000]);
  });

  it('refuses slices of no bytes', async () => {
    await expect(hashBlob(new Blob([]), { sliceBytes: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});
