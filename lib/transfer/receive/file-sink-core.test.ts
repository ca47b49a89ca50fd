import { createSHA256 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_BYTES,
  FileSinkCore,
  type Checkpoint,
  type FileSinkCoreOptions,
} from './file-sink-core.ts';
import { FileSinkError } from './file-sink-error.ts';
import { chunksOf, patternBytes, sha256Hex } from './testing/bytes.ts';
import { MemorySyncFile } from './testing/memory-sync-file.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const KIB = 1024;
const MIB = 1024 * KIB;

async function openSink(
  file: MemorySyncFile,
  options: Partial<FileSinkCoreOptions> = {},
): Promise<FileSinkCore> {
  return FileSinkCore.open({ file, hasher: await createSHA256(), ...options });
}

/** Appends every chunk; returns the checkpoints, each with the file's flushed size then. */
function appendAll(sink: FileSinkCore, file: MemorySyncFile, chunks: Uint8Array[]) {
  const checkpoints: (Checkpoint & { durableSize: number })[] = [];
  for (const chunk of chunks) {
    const checkpoint = sink.append(chunk);
    if (checkpoint) checkpoints.push({ ...checkpoint, durableSize: file.durableSize });
  }
  return checkpoints;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('FileSinkCore', () => {
  it('stores the bytes in order and returns their SHA-256 and size', async () => {
    const data = patternBytes(100 * KIB + 17);
    const file = new MemorySyncFile();
    const sink = await openSink(file);

    appendAll(sink, file, chunksOf(data, 16 * KIB));
    const stored = sink.finish();

    expect(stored).toEqual({ sha256: await sha256Hex(data), size: data.length });
    expect(file.content()).toEqual(data);
    expect(file.closed).toBe(true);
  });

  it('stores a 0-byte file', async () => {
    const file = new MemorySyncFile();
    const sink = await openSink(file);

    expect(sink.finish()).toEqual({ sha256: EMPTY_SHA256, size: 0 });
    expect(file.closed).toBe(true);
  });

  it('takes empty chunks', async () => {
    const file = new MemorySyncFile();
    const sink = await openSink(file);

    expect(sink.append(new Uint8Array(0))).toBeUndefined();
    expect(sink.finish()).toEqual({ sha256: EMPTY_SHA256, size: 0 });
  });

  it('empties a file left over from before when it does not resume', async () => {
    const file = new MemorySyncFile(patternBytes(5000));
    const sink = await openSink(file);
    sink.append(new Uint8Array([1, 2, 3]));

    expect(sink.finish().size).toBe(3);
    expect(file.content()).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('writes the rest of a chunk the file took only part of', async () => {
    const data = patternBytes(10 * KIB);
    const file = new MemorySyncFile();
    file.maxWrite = 1000;
    const sink = await openSink(file);

    appendAll(sink, file, chunksOf(data, 4 * KIB));

    expect(sink.finish().sha256).toBe(await sha256Hex(data));
    expect(file.content()).toEqual(data);
  });

  it('checkpoints every CHECKPOINT_BYTES (8 MiB), after flushing', async () => {
    const data = patternBytes(20 * MIB);
    const file = new MemorySyncFile();
    const sink = await openSink(file);

    const checkpoints = appendAll(sink, file, chunksOf(data, 64 * KIB));

    expect(CHECKPOINT_BYTES).toBe(8 * MIB);
    expect(checkpoints.map(({ offset, durableSize }) => [offset, durableSize])).toEqual([
      [8 * MIB, 8 * MIB],
      [16 * MIB, 16 * MIB],
    ]);
    expect(file.flushes).toBe(2);
    expect(sink.finish().sha256).toBe(await sha256Hex(data));
  });

  it('checkpoints after the chunk that crosses the interval, at its end', async () => {
    const file = new MemorySyncFile();
    const sink = await openSink(file, { checkpointBytes: 1000 });

    const checkpoints = appendAll(sink, file, chunksOf(patternBytes(3000), 300));

    expect(checkpoints.map(({ offset, durableSize }) => [offset, durableSize])).toEqual([
      [1200, 1200],
      [2400, 2400],
    ]);
  });

  it('resumes from a checkpoint after a crash and ends with the same SHA-256', async () => {
    const data = patternBytes(10_000, 7);
    const first = new MemorySyncFile();
    const before = await openSink(first, { checkpointBytes: 1000 });
    const [, second] = appendAll(before, first, chunksOf(data.subarray(0, 7321), 500));
    expect(second?.offset).toBe(2000);

    // The file was flushed up to 7000 and 200 of the 321 bytes after that made it to disk,
    // but the caller had stored only the second checkpoint.
    const reopened = first.afterCrash(200);
    expect(reopened.getSize()).toBe(7200);
    const resume = { offset: second!.offset, hashState: second!.hashState };
    const after = await openSink(reopened, { checkpointBytes: 1000, resume });

    expect(after.startOffset).toBe(2000);
    expect(after.resumeRefused).toBeUndefined();
    expect(reopened.getSize()).toBe(2000);
    appendAll(after, reopened, chunksOf(data.subarray(2000), 700));
    expect(after.finish()).toEqual({ sha256: await sha256Hex(data), size: data.length });
    expect(reopened.content()).toEqual(data);
  });

  it('starts over when the file is shorter than the checkpoint says', async () => {
    const data = patternBytes(3000);
    const file = new MemorySyncFile(data.subarray(0, 1000));
    const hashState = (await createSHA256()).init().update(data.subarray(0, 2000)).save();
    const sink = await openSink(file, { resume: { offset: 2000, hashState } });

    expect(sink.startOffset).toBe(0);
    expect(sink.resumeRefused).toMatch(/checkpoint is at 2000, the file has 1000 bytes/);
    expect(file.getSize()).toBe(0);
    appendAll(sink, file, [data]);
    expect(sink.finish().sha256).toBe(await sha256Hex(data));
  });

  it('starts over when the hash state does not load (another hash-wasm build)', async () => {
    const data = patternBytes(3000);
    const file = new MemorySyncFile(data);
    const sink = await openSink(file, { resume: { offset: 2000, hashState: new Uint8Array(116) } });

    expect(sink.startOffset).toBe(0);
    expect(sink.resumeRefused).toMatch(/hash state does not load/);
    appendAll(sink, file, [data]);
    expect(sink.finish().sha256).toBe(await sha256Hex(data));
  });

  it('maps a full quota to no-space, releases the file and refuses what follows', async () => {
    const file = new MemorySyncFile();
    file.quota = 2500;
    const sink = await openSink(file, { checkpointBytes: 1000 });
    const checkpoints = appendAll(sink, file, chunksOf(patternBytes(2000), 1000));

    const error = catchError(() => sink.append(patternBytes(1000)));

    expect(checkpoints.map(({ offset }) => offset)).toEqual([1000, 2000]);
    expect(error).toBeInstanceOf(FileSinkError);
    expect(error).toMatchObject({ reason: 'no-space', message: /^QuotaExceededError: / });
    expect(file.closed).toBe(true);
    expect(catchError(() => sink.append(new Uint8Array(1)))).toBe(error);
    expect(catchError(() => sink.finish())).toBe(error);
  });

  it('maps a quota error from flush to no-space', async () => {
    const file = new MemorySyncFile();
    file.flushError = new DOMException('quota', 'QuotaExceededError');
    const sink = await openSink(file, { checkpointBytes: 10 });

    expect(catchError(() => sink.append(patternBytes(10)))).toMatchObject({ reason: 'no-space' });
  });

  it('maps any other error to failed, even one that is not an Error', async () => {
    const file = new MemorySyncFile();
    file.flushError = 'disk on fire';
    const sink = await openSink(file);

    const error = catchError(() => sink.finish());

    expect(error).toBeInstanceOf(FileSinkError);
    expect(error).toMatchObject({ reason: 'failed', message: 'Error: disk on fire' });
    expect(file.closed).toBe(true);
  });

  it('fails when the file took no bytes', async () => {
    const file = new MemorySyncFile();
    file.maxWrite = 0;
    const sink = await openSink(file);

    expect(catchError(() => sink.append(patternBytes(10)))).toMatchObject({
      reason: 'failed',
      message: 'the file took none of 10 bytes',
    });
  });

  it('fails to finish when something else changed the file size', async () => {
    const file = new MemorySyncFile();
    const sink = await openSink(file);
    sink.append(patternBytes(100));
    file.truncate(50);

    expect(catchError(() => sink.finish())).toMatchObject({
      reason: 'failed',
      message: 'wrote 100 bytes, the file has 50',
    });
  });

  it('fails to open, as a FileSinkError, on a file that is already closed', async () => {
    const file = new MemorySyncFile();
    file.close();

    const error = await openSink(file).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FileSinkError);
    expect(error).toMatchObject({ reason: 'failed', message: /^InvalidStateError: / });
  });

  it('refuses a chunk after finishing', async () => {
    const sink = await openSink(new MemorySyncFile());
    sink.finish();

    expect(catchError(() => sink.append(new Uint8Array(1)))).toMatchObject({
      reason: 'failed',
      message: 'the file sink is finished',
    });
  });

  it('closes without finishing, keeping what was flushed, and closes only once', async () => {
    const file = new MemorySyncFile();
    const sink = await openSink(file, { checkpointBytes: 100 });
    appendAll(sink, file, [patternBytes(150)]);

    sink.close();
    sink.close();

    expect(file.closed).toBe(true);
    expect(file.durableSize).toBe(150);
    expect(catchError(() => sink.append(new Uint8Array(1)))).toMatchObject({
      message: 'the file sink is closed',
    });
  });
});
