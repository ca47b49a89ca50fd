import type { HashEngine } from './hash-engine.ts';
import { hashFromReply, type HashReply, type ToHashWorker } from './hash-engine-messages.ts';

/** The part of a Worker the engine uses; tests stand one in. */
export interface HashWorker {
  postMessage(message: ToHashWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<HashReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
  terminate(): void;
}

/** Written this way (a URL literal beside import.meta.url), Vite bundles the worker. */
function spawnHashWorker(): HashWorker {
  return new Worker(new URL('./hash-engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'parley-hash',
  });
}

/**
 * A HashEngine in a worker of its own (hash-engine.worker.ts). Bytes are moved to it, not
 * copied; files are read there. The worker ends with the digest, or on dispose().
 */
export function createHashEngineInWorker(spawn = spawnHashWorker): HashEngine {
  const worker = spawn();
  let failure: Error | undefined;
  let settle: { resolve(sha256: string): void; reject(error: unknown): void } | undefined;
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    if (error) {
      failure = error;
      settle?.reject(error);
    }
  };
  worker.onmessage = ({ data: reply }) => {
    end();
    try {
      settle?.resolve(hashFromReply(reply));
    } catch (error) {
      settle?.reject(error);
    }
  };
  worker.onerror = (event) => {
    // Handled here, so the browser need not report it as uncaught.
    event.preventDefault();
    end(new Error(`The hashing worker failed: ${event.message}`));
  };
  worker.onmessageerror = () =>
    end(new Error('The hashing worker sent a reply that could not be read'));
  const post = (message: ToHashWorker, transfer: Transferable[] = []) => {
    if (!ended) worker.postMessage(message, transfer);
  };
  return {
    update: (bytes) => post({ type: 'update', bytes }, [bytes]),
    updateFrom: (blob) => post({ type: 'update-from', blob }),
    digest() {
      if (failure) return Promise.reject(failure);
      if (ended) return Promise.reject(new DOMException('The hash was stopped', 'AbortError'));
      return new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
        post({ type: 'digest' });
      });
    },
    dispose() {
      settle?.reject(new DOMException('The hash was stopped', 'AbortError'));
      end();
    },
  };
}
