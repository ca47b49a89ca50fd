import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHashEngine } from './hash-engine.ts';
import { createHashEngineInWorker, type HashWorker } from './hash-engine-in-worker.ts';
import { hashFromReply, type HashReply, type ToHashWorker } from './hash-engine-messages.ts';
import { serveHashEngine } from './serve-hash-engine.ts';
import { blobReadingWith, patternBytes } from './testing/test-blobs.ts';
import { SourceUnreadableError } from './transfer-errors.ts';

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/**
 * Node has no Web Workers, so this stands in for one: a MessageChannel whose far end runs
 * serveHashEngine, as hash-engine.worker.ts does. Messages cross by structured clone, with
 * the transfer list honoured. What it cannot show is that the real worker loads (the
 * bundle, the CSP for WebAssembly); the end-to-end tests do.
 */
class StandInWorker implements HashWorker {
  onmessage: ((event: MessageEvent<HashReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  terminated = false;
  readonly #channel = new MessageChannel();

  constructor() {
    const far = this.#channel.port2;
    serveHashEngine(
      {
        postMessage: (reply) => far.postMessage(reply),
        addEventListener: (type, listener) => far.addEventListener(type, listener),
      },
      createHashEngine(),
    );
    far.start();
    this.#channel.port1.onmessage = (event: MessageEvent<HashReply>) => {
      if (!this.terminated) this.onmessage?.(event);
    };
  }

  postMessage(message: ToHashWorker, transfer: Transferable[] = []): void {
    if (!this.terminated) this.#channel.port1.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

describe('createHashEngineInWorker', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hashes bytes moved to the worker and files it reads there, in order', async () => {
    const worker = new StandInWorker();
    const engine = createHashEngineInWorker(() => worker);
    const bytes = patternBytes(300_000);
    const head = bytes.slice(0, 100_000).buffer;
    engine.update(head);
    // Moved, not copied: the host holds none of it afterwards.
    expect(head.byteLength).toBe(0);
    engine.updateFrom(new Blob([bytes.slice(100_000, 250_000)]));
    engine.update(bytes.slice(250_000).buffer);
    expect(await engine.digest()).toBe(await webCryptoHex(bytes));
    expect(worker.terminated).toBe(true);
  });

  it('answers a file it cannot read with a reply the host turns back into SourceUnreadableError', async () => {
    // The worker's side alone: a stand-in Blob cannot cross a MessageChannel.
    const replies: HashReply[] = [];
    let deliver: ((event: MessageEvent<ToHashWorker>) => void) | undefined;
    serveHashEngine(
      {
        postMessage: (reply) => replies.push(reply),
        addEventListener: (_, listener) => (deliver = listener),
      },
      createHashEngine(),
    );
    const file = blobReadingWith(new Blob([patternBytes(10)]), () =>
      Promise.reject(new DOMException('gone', 'NotReadableError')),
    );
    deliver?.(new MessageEvent('message', { data: { type: 'update-from', blob: file } }));
    deliver?.(new MessageEvent('message', { data: { type: 'digest' } }));
    await vi.waitFor(() => expect(replies).toHaveLength(1));
    expect(replies[0]).toMatchObject({ ok: false, failure: 'source-unreadable' });
    expect(() => hashFromReply(replies[0]!)).toThrow(SourceUnreadableError);
  });

  it('rejects when the worker itself fails, as when it cannot load', async () => {
    const worker = new StandInWorker();
    const engine = createHashEngineInWorker(() => worker);
    const digest = engine.digest();
    // Node 22 has no ErrorEvent; this is the part of one that the adapter reads.
    const failure = { message: 'WebAssembly refused', preventDefault: vi.fn() };
    worker.onerror?.(failure as unknown as ErrorEvent);
    await expect(digest).rejects.toThrow(/WebAssembly refused/);
    expect(failure.preventDefault).toHaveBeenCalled();
    expect(worker.terminated).toBe(true);
  });

  it('stops the worker on dispose; a pending digest rejects as aborted', async () => {
    const worker = new StandInWorker();
    const engine = createHashEngineInWorker(() => worker);
    engine.update(patternBytes(1000).buffer);
    const digest = engine.digest();
    engine.dispose();
    await expect(digest).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.terminated).toBe(true);
    await expect(engine.digest()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
