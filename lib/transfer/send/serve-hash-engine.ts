import type { HashEngine } from './hash-engine.ts';
import { replyFor, type HashReply, type ToHashWorker } from './hash-engine-messages.ts';

/** The part of a dedicated worker's global scope the hashing worker uses. */
export interface HashWorkerScope {
  postMessage(reply: HashReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToHashWorker>) => void): void;
}

/** The worker's side of createHashEngineInWorker: each message is one call on `engine`. */
export function serveHashEngine(scope: HashWorkerScope, engine: HashEngine): void {
  scope.addEventListener('message', ({ data: message }) => {
    switch (message.type) {
      case 'update':
        return engine.update(message.bytes);
      case 'update-from':
        return engine.updateFrom(message.blob);
      case 'digest':
        void replyFor(engine.digest()).then((reply) => scope.postMessage(reply));
    }
  });
}
