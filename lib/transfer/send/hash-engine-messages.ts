import { SourceUnreadableError } from './transfer-errors.ts';

/**
 * What the host posts to the hashing worker, in order. A Blob (a File) is structured-cloned
 * as a handle to the same file on disk, not as a copy of its bytes; `bytes` is moved.
 */
export type ToHashWorker =
  { type: 'update'; bytes: ArrayBuffer } | { type: 'update-from'; blob: Blob } | { type: 'digest' };

/**
 * What the worker answers to 'digest'. Errors lose their class on the way across, so a
 * failure travels as the kind the host acts on, and a message for the log.
 */
export type HashReply =
  | { ok: true; sha256: string }
  | { ok: false; failure: 'source-unreadable' | 'failed'; message: string };

/** Turns the outcome of hashing, in the worker, into a reply that can be posted. */
export async function replyFor(hashing: Promise<string>): Promise<HashReply> {
  try {
    return { ok: true, sha256: await hashing };
  } catch (error) {
    const failure = error instanceof SourceUnreadableError ? 'source-unreadable' : 'failed';
    return { ok: false, failure, message: String(error) };
  }
}

/** Turns a reply, in the host, back into the hash or the typed error. */
export function hashFromReply(reply: HashReply): string {
  if (reply.ok) return reply.sha256;
  if (reply.failure === 'source-unreadable')
    throw new SourceUnreadableError({ cause: reply.message });
  throw new Error(`Hashing failed: ${reply.message}`);
}
