import fc from 'fast-check';
import { createSHA256 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { FileSinkCore, type Checkpoint } from './file-sink-core.ts';
import { sha256Hex } from './testing/bytes.ts';
import { MemorySyncFile } from './testing/memory-sync-file.ts';

// A failure's shrinking runs the property many thousand times: give up on it after a while.
const RUNS = { numRuns: 200, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true };

/** A file of up to 20 000 bytes, cut into chunks at random places (empty chunks too). */
const chunkedFile = fc
  .oneof(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 20_000, size: 'max' }))
  .chain((data) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: data.length }), { maxLength: 40, size: 'max' })
      .map((cuts) => ({ data, chunks: cutAt(data, cuts) })),
  );

function cutAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts.sort((a, b) => a - b), data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

// A failed toEqual on 20 000 bytes spends minutes on its diff; shrinking makes many.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function openSink(file: MemorySyncFile, checkpointBytes: number, resume?: Checkpoint) {
  return FileSinkCore.open({ file, hasher: await createSHA256(), checkpointBytes, resume });
}

describe('FileSinkCore, for any file and any chunking', () => {
  it('stores every byte and hashes them as SHA-256 does', async () => {
    await fc.assert(
      fc.asyncProperty(chunkedFile, fc.integer({ min: 1, max: 5000 }), async (input, interval) => {
        const file = new MemorySyncFile();
        const sink = await openSink(file, interval);
        for (const chunk of input.chunks) sink.append(chunk);

        expect(sink.finish()).toEqual({
          sha256: await sha256Hex(input.data),
          size: input.data.length,
        });
        expect(sameBytes(file.content(), input.data)).toBe(true);
      }),
      RUNS,
    );
  });

  it('checkpoints once per interval, naming only flushed bytes, with the hash state there', async () => {
    await fc.assert(
      fc.asyncProperty(chunkedFile, fc.integer({ min: 1, max: 5000 }), async (input, interval) => {
        const file = new MemorySyncFile();
        const sink = await openSink(file, interval);
        const verifier = await createSHA256();
        let last = 0;
        for (const chunk of input.chunks) {
          const checkpoint = sink.append(chunk);
          const grown = sink.offset - last;
          // Due exactly when the file has grown by the interval since the last one.
          expect(checkpoint !== undefined).toBe(grown >= interval);
          if (!checkpoint) continue;
          expect(checkpoint.offset).toBe(sink.offset);
          expect(file.durableSize).toBe(checkpoint.offset);
          // Compared by what it hashes to: the bytes of two equal states may differ where
          // the partial block's buffer holds leftovers from earlier updates.
          expect(verifier.load(checkpoint.hashState).digest('hex')).toBe(
            await sha256Hex(input.data.subarray(0, checkpoint.offset)),
          );
          last = checkpoint.offset;
        }
      }),
      RUNS,
    );
  });

  it('resumes from any checkpoint after any crash to the same file and SHA-256', async () => {
    await fc.assert(
      fc.asyncProperty(
        chunkedFile,
        fc.integer({ min: 1, max: 5000 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 6000 }),
        fc.nat({ max: 30_000 }),
        fc.integer({ min: 1, max: 9000 }),
        async (input, interval, pick, crashAfter, unflushedKept, torn, resentChunk) => {
          // The crash comes after any number of the chunks.
          const cut = crashAfter % (input.chunks.length + 1);
          const first = new MemorySyncFile();
          const before = await openSink(first, interval);
          const checkpoints: Checkpoint[] = [];
          for (const chunk of input.chunks.slice(0, cut)) {
            const checkpoint = before.append(chunk);
            if (checkpoint) checkpoints.push(checkpoint);
          }
          // The caller stored any one of them, or none if it had not stored the first yet.
          const resume = checkpoints[pick % (checkpoints.length + 1)];

          const reopened = first.afterCrash(unflushedKept, torn);
          const after = await openSink(reopened, interval, resume);
          expect(after.startOffset).toBe(resume?.offset ?? 0);
          const rest = input.data.subarray(after.startOffset);
          for (let at = 0; at < rest.length; at += resentChunk)
            after.append(rest.subarray(at, at + resentChunk));

          expect(after.finish()).toEqual({
            sha256: await sha256Hex(input.data),
            size: input.data.length,
          });
          expect(sameBytes(reopened.content(), input.data)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
