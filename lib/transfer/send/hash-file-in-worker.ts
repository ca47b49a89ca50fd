import { hashFromReply, type HashReply, type HashRequest } from './hash-worker-messages.ts';

/**
 * The SHA-256 of `file` (64 lower-case hex digits), computed in a worker of its own so the
 * host's thread stays free for the data channels. Rejects with SourceUnreadableError when
 * the file can no longer be read, and with the signal's reason when aborted, which also
 * stops the worker.
 */
export function hashFileInWorker(
  file: Blob,
  { signal }: { signal?: AbortSignal } = {},
): Promise<string> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  // Written out in full so that Vite sees the worker and bundles it.
  const worker = new Worker(new URL('./hash-file.worker.ts', import.meta.url), {
    type: 'module',
  });
  return new Promise<string>((resolve, reject) => {
    const stop = () => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      reject(signal?.reason);
    };
    worker.onmessage = (event: MessageEvent<HashReply>) => {
      stop();
      try {
        resolve(hashFromReply(event.data));
      } catch (error) {
        reject(error);
      }
    };
    worker.onerror = (event) => {
      // Handled here, so the browser need not report it as uncaught.
      event.preventDefault();
      stop();
      reject(new Error(`The hashing worker failed: ${event.message}`));
    };
    worker.onmessageerror = () => {
      stop();
      reject(new Error('The hashing worker sent a reply that could not be read'));
    };
    signal?.addEventListener('abort', onAbort);
    worker.postMessage({ file } satisfies HashRequest);
  });
}
