// Peer IDs for "nobody": the product may validate the shape of an ID before it asks the
// server, so a made-up ID copies the shape of a real one.
import { randomInt, randomUUID } from 'node:crypto';

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)]!;

/** A random ID with the same length and kinds of characters as `id`; nobody holds it. */
export function madeUpIdLike(id: string): string {
  // PeerServer hands out UUIDs (v4): keep the version and variant digits valid.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    return randomUUID();
  }
  const hex = /^[0-9a-f-]+$/i.test(id);
  return [...id]
    .map((c) => {
      if (/[0-9]/.test(c)) return pick('0123456789');
      if (/[a-z]/.test(c)) return pick(hex ? 'abcdef' : 'abcdefghijklmnopqrstuvwxyz');
      if (/[A-Z]/.test(c)) return pick(hex ? 'ABCDEF' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      return c;
    })
    .join('');
}
