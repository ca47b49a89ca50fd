// The hashing worker: a thin adapter that runs hashBlob off the host's thread. It cannot run
// under Vitest (Node has no Web Workers); hashBlob and the reply it posts are tested instead.
import { hashBlob } from './hash-blob.ts';
import { replyFor, type HashReply, type HashRequest } from './hash-worker-messages.ts';

// The project's types describe a window; this is the part of a worker's global scope used.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(reply: HashReply): void;
};

scope.onmessage = async (event) => {
  scope.postMessage(await replyFor(hashBlob(event.data.file)));
};
