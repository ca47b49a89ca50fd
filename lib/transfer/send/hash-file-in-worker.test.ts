import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashBlob } from './hash-blob.ts';
import { hashFileInWorker } from './hash-file-in-worker.ts';
import { replyFor, type HashReply, type HashRequest } from './hash-worker-messages.ts';
import { blobReadingWith, patternBytes } from './testing/test-blobs.ts';
import { SourceUnreadableError } from './transfer-errors.ts';

/**
 * Node has no Web Workers, so this stands in for one: it takes the request and answers as
 * hash-file.worker.ts does, in-process and a turn later. What it cannot show is that the
 * real worker loads (the bundle, the CSP for WebAssembly); that needs a browser.
 */
class StandInWorker {
  static created: StandInWorker[] = [];
  onmessage: ((event: MessageEvent<HashReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  /** Set by a test to answer with this instead of hashing. */
  fails: ErrorEvent | undefined;

  constructor(
    readonly url: URL | string,
    readonly options?: WorkerOptions,
  ) {
    StandInWorker.created.push(this);
  }

  postMessage(request: HashRequest): void {
    setTimeout(async () => {
      if (this.fails) return this.onerror?.(this.fails);
      const reply = await replyFor(hashBlob(request.file));
      if (!this.terminated) this.onmessage?.(new MessageEvent('message', { data: reply }));
    }, 0);
  }

  terminate(): void {
    this.terminated = true;
  }
}

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

describe('hashFileInWorker', () => {
  beforeEach(() => {
    StandInWorker.created = [];
    vi.stubGlobal('Worker', StandInWorker);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts the hashing worker as a module, gets the hash, and stops the worker', async () => {
    const bytes = patternBytes(100_000);
    expect(await hashFileInWorker(new Blob([bytes]))).toBe(await webCryptoHex(bytes));
    const [worker] = StandInWorker.created;
    expect(String(worker?.url)).toMatch(/hash-file\.worker\.ts/);
    expect(worker?.options).toEqual({ type: 'module' });
    expect(worker?.terminated).toBe(true);
  });

  it('rejects with SourceUnreadableError when the file can no longer be read', async () => {
    const file = blobReadingWith(new Blob([patternBytes(10)]), () =>
      Promise.reject(new DOMException('gone', 'NotReadableError')),
    );
    await expect(hashFileInWorker(file)).rejects.toBeInstanceOf(SourceUnreadableError);
    expect(StandInWorker.created[0]?.terminated).toBe(true);
  });

  it('rejects with an Error naming the cause of any other failure', async () => {
    const file = blobReadingWith(new Blob([patternBytes(10)]), () =>
      Promise.reject(new TypeError('a bug')),
    );
    await expect(hashFileInWorker(file)).rejects.toThrow(/Hashing failed: TypeError: a bug/);
  });

  it('rejects when the worker itself fails, as when it cannot load', async () => {
    const hashing = hashFileInWorker(new Blob([patternBytes(10)]));
    const worker = StandInWorker.created[0];
    // Node 22 has no ErrorEvent; this is the part of one that the adapter reads.
    const failure = { message: 'WebAssembly refused', preventDefault: vi.fn() };
    if (worker) worker.fails = failure as unknown as ErrorEvent;
    await expect(hashing).rejects.toThrow(/WebAssembly refused/);
    expect(failure.preventDefault).toHaveBeenCalled();
    expect(worker?.terminated).toBe(true);
  });

  it('rejects with the reason when aborted, and stops the worker', async () => {
    const controller = new AbortController();
    const hashing = hashFileInWorker(new Blob([patternBytes(10)]), { signal: controller.signal });
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(hashing).rejects.toBe(reason);
    expect(StandInWorker.created[0]?.terminated).toBe(true);
  });

  it('starts no worker when already aborted', async () => {
    const reason = new Error('too late');
    await expect(
      hashFileInWorker(new Blob([]), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(StandInWorker.created).toEqual([]);
  });
});
