import { createSHA256, type IHasher } from 'hash-wasm';
import type { SyncFile } from '../file-sink-core.ts';
import type { FromFileSinkWorker, ToFileSinkWorker } from '../file-sink-messages.ts';
import {
  serveFileSink,
  type FileSinkStorage,
  type FileSinkWorkerScope,
} from '../file-sink-service.ts';
import type { FileSinkWorker } from '../file-sink.ts';
import { MemorySyncFile } from './memory-sync-file.ts';

/** OPFS's `incoming/` folder in memory: reopening a transfer finds what was written. */
export class MemoryStorage implements FileSinkStorage {
  readonly files = new Map<string, MemorySyncFile>();
  /** Thrown by every `open`, when set. */
  openError: unknown;
  /** Thrown by every `remove`, when set. */
  removeError: unknown;
  /** Applied to each file as it is opened (a quota, short writes…). */
  prepare: (file: MemorySyncFile) => void = () => {};

  async open(transferId: string): Promise<SyncFile> {
    if (this.openError !== undefined) throw this.openError;
    // Everything written so far is there, as on a disk that outlived the last handle.
    const file = this.files.get(transferId)?.afterCrash(Number.POSITIVE_INFINITY);
    const opened = file ?? new MemorySyncFile();
    this.prepare(opened);
    this.files.set(transferId, opened);
    return opened;
  }

  async remove(transferId: string): Promise<void> {
    if (this.removeError !== undefined) throw this.removeError;
    this.files.delete(transferId);
  }
}

export interface InProcessWorkerOptions {
  storage: MemoryStorage;
  checkpointBytes?: number;
  createHasher?: () => Promise<IHasher>;
}

/**
 * A FileSinkWorker whose other end runs the real worker logic (serveFileSink) in this
 * process, over a MessageChannel: messages are cloned and buffers transferred as between
 * a page and its worker.
 */
export class InProcessWorker implements FileSinkWorker {
  terminated = false;
  readonly #port: MessagePort;
  readonly #workerPort: MessagePort;
  readonly #errorListeners: ((event: Event) => void)[] = [];

  constructor(options: InProcessWorkerOptions) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#workerPort = port2;
    const scope: FileSinkWorkerScope = {
      postMessage: (message) => port2.postMessage(message),
      addEventListener: (type, listener) => port2.addEventListener(type, listener),
    };
    serveFileSink(scope, {
      storage: options.storage,
      createHasher: options.createHasher ?? createSHA256,
      ...(options.checkpointBytes !== undefined && { checkpointBytes: options.checkpointBytes }),
    });
    port1.start();
    port2.start();
  }

  postMessage(message: ToFileSinkWorker, transfer: Transferable[]): void {
    this.#port.postMessage(message, transfer);
  }

  addEventListener(
    type: 'message',
    listener: (event: MessageEvent<FromFileSinkWorker>) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  addEventListener(type: 'message' | 'error', listener: (event: never) => void): void {
    if (type === 'error') this.#errorListeners.push(listener as (event: Event) => void);
    else this.#port.addEventListener('message', listener as (event: MessageEvent) => void);
  }

  terminate(): void {
    this.terminated = true;
    this.#port.close();
    this.#workerPort.close();
  }

  /** What a browser does when the worker's script fails to load or throws. */
  crash(message: string): void {
    const event = Object.assign(new Event('error'), { message });
    for (const listener of this.#errorListeners) listener(event);
  }
}
