import { createSHA256 } from 'hash-wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Checkpoint } from './file-sink-core.ts';
import { FileSinkError } from './file-sink-error.ts';
import { FileSink } from './file-sink.ts';
import { chunksOf, patternBytes, sha256Hex } from './testing/bytes.ts';
import { InProcessWorker, MemoryStorage } from './testing/in-process-worker.ts';

const TRANSFER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const workers: InProcessWorker[] = [];

afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

function setUp(options: { checkpointBytes?: number } = {}) {
  const storage = new MemoryStorage();
  const spawned: InProcessWorker[] = [];
  const createWorker = () => {
    const worker = new InProcessWorker({ storage, ...options });
    workers.push(worker);
    spawned.push(worker);
    return worker;
  };
  const open = (resume?: Checkpoint) => FileSink.open(TRANSFER, resume, createWorker);
  return { storage, spawned, open };
}

/** Copies each piece into an ArrayBuffer of its own, as a data channel delivers them. */
function buffersOf(data: Uint8Array, size: number): ArrayBuffer[] {
  return chunksOf(data, size).map((chunk) => chunk.slice().buffer);
}

describe('FileSink', () => {
  it('stores a file through its worker and returns the SHA-256', async () => {
    const data = patternBytes(300_000);
    const { storage, spawned, open } = setUp();
    const sink = await open();

    const buffers = buffersOf(data, 64 * 1024);
    for (const buffer of buffers) sink.append(buffer);

    expect(sink.startOffset).toBe(0);
    expect(await sink.finish()).toEqual({ sha256: await sha256Hex(data), size: data.length });
    // Moved to the worker, not copied.
    expect(buffers.map((buffer) => buffer.byteLength)).toEqual(buffers.map(() => 0));
    expect(storage.files.get(TRANSFER)?.content()).toEqual(data);
    expect(storage.files.get(TRANSFER)?.closed).toBe(true);
    expect(spawned[0]?.terminated).toBe(true);
  });

  it('moves chunks to the worker in batches of about 1 MiB, and a short batch after 50 ms', async () => {
    const { spawned, open } = setUp();
    const sink = await open();
    const worker = spawned[0]!;
    const appends = vi.spyOn(worker, 'postMessage');
    const chunks = buffersOf(patternBytes(5 * 256 * 1024), 256 * 1024);
    for (const chunk of chunks) sink.append(chunk);
    const posted = () =>
      appends.mock.calls.flatMap(([message]) => (message.type === 'append' ? [message] : []));
    // Four 256 KiB chunks fill a batch; the fifth waits for more, or for the timer.
    expect(posted().map((message) => message.chunks.length)).toEqual([4]);
    await vi.waitFor(() =>
      expect(posted().map((message) => message.chunks.length)).toEqual([4, 1]),
    );
    await vi.waitFor(() => expect(sink.queuedBytes).toBe(0));
  });

  it('stores a 0-byte file', async () => {
    const { open } = setUp();
    const sink = await open();

    expect(await sink.finish()).toEqual({ sha256: await sha256Hex(new Uint8Array(0)), size: 0 });
  });

  it('reports checkpoints, and counts the bytes the worker has not written yet', async () => {
    const data = patternBytes(10_000);
    const { open } = setUp({ checkpointBytes: 4000 });
    const sink = await open();
    const checkpoints: Checkpoint[] = [];
    sink.onCheckpoint((checkpoint) => checkpoints.push(checkpoint));

    for (const buffer of buffersOf(data, 1000)) sink.append(buffer);

    expect(sink.queuedBytes).toBe(10_000);
    await vi.waitFor(() => expect(sink.queuedBytes).toBe(0));
    expect(checkpoints.map(({ offset }) => offset)).toEqual([4000, 8000]);
    const verifier = await createSHA256();
    expect(verifier.load(checkpoints[1]!.hashState).digest('hex')).toBe(
      await sha256Hex(data.subarray(0, 8000)),
    );
  });

  it('resumes from a checkpoint in a new worker', async () => {
    const data = patternBytes(10_000, 3);
    const { storage, spawned, open } = setUp({ checkpointBytes: 4000 });
    const first = await open();
    let last: Checkpoint | undefined;
    first.onCheckpoint((checkpoint) => (last = checkpoint));
    for (const buffer of buffersOf(data.subarray(0, 6000), 1000)) first.append(buffer);
    await vi.waitFor(() => expect(first.queuedBytes).toBe(0));
    first.terminate();
    expect(storage.files.get(TRANSFER)?.getSize()).toBe(6000);

    const second = await open(last);
    for (const buffer of buffersOf(data.subarray(second.startOffset), 1500)) second.append(buffer);

    expect(second.startOffset).toBe(4000);
    expect(spawned).toHaveLength(2);
    expect(await second.finish()).toEqual({ sha256: await sha256Hex(data), size: data.length });
    expect(storage.files.get(TRANSFER)?.content()).toEqual(data);
  });

  it('starts over from 0 when the stored file cannot honour the checkpoint', async () => {
    const { open } = setUp();
    const hashState = (await createSHA256()).init().update(new Uint8Array(100)).save();

    const sink = await open({ offset: 100, hashState });

    expect(sink.startOffset).toBe(0);
  });

  it('reports a full disk once, as no-space, and drops the bytes that follow', async () => {
    const { storage, open } = setUp();
    storage.prepare = (file) => (file.quota = 2500);
    const sink = await open();
    const errors: FileSinkError[] = [];
    sink.onError((error) => errors.push(error));

    for (const buffer of buffersOf(patternBytes(5000), 1000)) sink.append(buffer);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    sink.append(new ArrayBuffer(10));

    expect(errors[0]).toBeInstanceOf(FileSinkError);
    expect(errors[0]).toMatchObject({ reason: 'no-space' });
    expect(sink.queuedBytes).toBe(0);
    await expect(sink.finish()).rejects.toBe(errors[0]);
    await sink.discard();
    expect(storage.files.has(TRANSFER)).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('rejects opening, and ends the worker, when the file cannot be opened', async () => {
    const { storage, spawned, open } = setUp();
    storage.openError = new DOMException('no OPFS in private windows', 'SecurityError');

    const error = await open().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FileSinkError);
    expect(error).toMatchObject({ reason: 'failed', message: /^SecurityError: / });
    expect(spawned[0]?.terminated).toBe(true);
  });

  it('rejects opening when the hasher cannot start, without opening the file', async () => {
    const storage = new MemoryStorage();
    const open = vi.spyOn(storage, 'open');
    const createHasher = () => Promise.reject(new Error('WebAssembly blocked by CSP'));
    const createWorker = () => new InProcessWorker({ storage, createHasher });

    const error = await FileSink.open(TRANSFER, undefined, createWorker).catch((e: unknown) => e);

    expect(error).toMatchObject({ reason: 'failed', message: 'Error: WebAssembly blocked by CSP' });
    expect(open).not.toHaveBeenCalled();
  });

  it('rejects opening when the worker itself fails', async () => {
    const storage = new MemoryStorage();
    let worker: InProcessWorker | undefined;
    const opening = FileSink.open(TRANSFER, undefined, () => {
      worker = new InProcessWorker({ storage });
      workers.push(worker);
      return worker;
    });
    worker?.crash('Failed to fetch a worker script');

    await expect(opening).rejects.toMatchObject({
      reason: 'failed',
      message: 'file sink worker: Failed to fetch a worker script',
    });
    expect(worker?.terminated).toBe(true);
  });

  it('reports a worker that fails after opening, once', async () => {
    const { spawned, open } = setUp();
    const sink = await open();
    const errors: FileSinkError[] = [];
    sink.onError((error) => errors.push(error));

    spawned[0]?.crash('out of memory');
    spawned[0]?.crash('again');

    expect(errors.map(({ message }) => message)).toEqual(['file sink worker: out of memory']);
    await expect(sink.finish()).rejects.toBe(errors[0]);
  });

  it('discards: deletes the file and rejects a finish still pending', async () => {
    const { storage, spawned, open } = setUp();
    const sink = await open();
    sink.append(patternBytes(100).buffer);

    const finishing = sink.finish();
    const discarding = sink.discard();

    await expect(finishing).rejects.toMatchObject({ message: 'the file sink was discarded' });
    await discarding;
    expect(storage.files.has(TRANSFER)).toBe(false);
    expect(spawned[0]?.terminated).toBe(true);
    expect(sink.discard()).toBe(discarding);
  });

  it('rejects a discard when the file cannot be deleted', async () => {
    const { storage, open } = setUp();
    storage.removeError = new DOMException('locked', 'NoModificationAllowedError');
    const sink = await open();

    await expect(sink.discard()).rejects.toMatchObject({
      reason: 'failed',
      message: 'NoModificationAllowedError: locked',
    });
  });

  it('refuses chunks after finishing', async () => {
    const { open } = setUp();
    const sink = await open();
    await sink.finish();

    expect(() => sink.append(new ArrayBuffer(1))).toThrow(
      new FileSinkError('failed', 'cannot append: the file sink is finished'),
    );
    await expect(sink.finish()).rejects.toBeInstanceOf(FileSinkError);
  });

  it('terminates: keeps what was flushed and rejects what was pending', async () => {
    const { storage, spawned, open } = setUp({ checkpointBytes: 100 });
    const sink = await open();
    sink.append(patternBytes(150).buffer);
    await vi.waitFor(() => expect(sink.queuedBytes).toBe(0));

    const finishing = sink.finish();
    sink.terminate();

    await expect(finishing).rejects.toMatchObject({ message: 'the file sink was terminated' });
    expect(spawned[0]?.terminated).toBe(true);
    expect(storage.files.get(TRANSFER)?.durableSize).toBe(150);
    expect(() => sink.append(new ArrayBuffer(1))).toThrow(/terminated/);
  });
});
