import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHashEngine, type HashEngine } from './hash-engine.ts';
import { RunningFileHash } from './running-file-hash.ts';
import { blobReadingWith, patternBytes } from './testing/test-blobs.ts';
import { SourceUnreadableError } from './transfer-errors.ts';

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** A file whose reads are counted, to show which bytes the hash read itself. */
function countedFile(bytes: Uint8Array<ArrayBuffer>) {
  const reads = { bytes: 0 };
  const file = blobReadingWith(new Blob([bytes]), (start, end, real) => {
    reads.bytes += end - start;
    return real();
  });
  return { file, reads };
}

/** Slices of `bytes` from `from` to `to`, `sliceBytes` at a time, as a pump run reads them. */
function* run(bytes: Uint8Array, from: number, to: number, sliceBytes: number) {
  for (let start = from; start < to; start += sliceBytes)
    yield { start, slice: bytes.slice(start, Math.min(to, start + sliceBytes)).buffer };
}

describe('RunningFileHash', () => {
  it('hashes a file from the slices one run reads, reading none of it again', async () => {
    const bytes = patternBytes(100_000);
    const { file, reads } = countedFile(bytes);
    const hash = new RunningFileHash(file, createHashEngine());
    for (const { start, slice } of run(bytes, 0, bytes.length, 4096)) hash.follow(start, slice);
    expect(await hash.sha256).toBe(await webCryptoHex(bytes));
    expect(reads.bytes).toBe(0);
  });

  it('settles at once for an empty file', async () => {
    const hash = new RunningFileHash(new Blob([]), createHashEngine());
    expect(await hash.sha256).toBe(await webCryptoHex(new Uint8Array(0)));
  });

  it('reads only what no run read: before a resume offset, and after the last run', async () => {
    const bytes = patternBytes(50_000);
    const { file, reads } = countedFile(bytes);
    const hash = new RunningFileHash(file, createHashEngine());
    // The sender restarted: its first run starts where the receiver's data ends…
    for (const { start, slice } of run(bytes, 20_000, 30_000, 1000)) hash.follow(start, slice);
    // …and the last run had nothing to send.
    hash.readRest();
    expect(await hash.sha256).toBe(await webCryptoHex(bytes));
    expect(reads.bytes).toBe(20_000 + 20_000);
  });

  it('gives the whole file hash for any runs that start and stop anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6_000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }),
        fc.integer({ min: 1, max: 900 }),
        async (size, runs, sliceBytes) => {
          const bytes = patternBytes(size, size);
          const { file, reads } = countedFile(bytes);
          const hash = new RunningFileHash(file, createHashEngine());
          // Runs that stopped part-way (dropped connections), then resumes from earlier.
          for (const [a, b] of runs) {
            const from = a % size;
            const to = from + (b % (size - from + 1));
            for (const slice of run(bytes, from, to, sliceBytes))
              hash.follow(slice.start, slice.slice);
          }
          // The last run, which reaches the end, then says so.
          const lastFrom = runs.length > 0 ? runs[0]![0] % size : 0;
          for (const slice of run(bytes, lastFrom, size, sliceBytes))
            hash.follow(slice.start, slice.slice);
          hash.readRest();
          expect(await hash.sha256).toBe(await webCryptoHex(bytes));
          expect(reads.bytes).toBeLessThanOrEqual(size);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects with SourceUnreadableError when a byte it must read itself cannot be', async () => {
    const bytes = patternBytes(10_000);
    const file = blobReadingWith(new Blob([bytes]), () =>
      Promise.reject(new DOMException('gone', 'NotReadableError')),
    );
    const hash = new RunningFileHash(file, createHashEngine());
    hash.follow(5_000, bytes.slice(5_000).buffer);
    await expect(hash.sha256).rejects.toBeInstanceOf(SourceUnreadableError);
  });

  it('rejects with the reason when stopped, and stops its engine', async () => {
    const bytes = patternBytes(10_000);
    let disposed = false;
    const real = createHashEngine();
    const engine: HashEngine = { ...real, dispose: () => ((disposed = true), real.dispose()) };
    const hash = new RunningFileHash(new Blob([bytes]), engine);
    hash.follow(0, bytes.slice(0, 1000).buffer);
    const reason = new Error('cancelled');
    hash.stop(reason);
    await expect(hash.sha256).rejects.toBe(reason);
    expect(disposed).toBe(true);
  });
});
