/**
 * Who this installation is on the PeerServer. The token proves to the server that a
 * reconnecting client is the one that registered the ID, so it re-attaches the ID
 * instead of answering "ID taken".
 */
export interface PeerIdentity {
  peerId: string;
  token: string;
}

// Lower-case letters and digits that cannot be misread for one another (no 0/o, 1/l/i).
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** PeerJS's own rule for IDs. */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

function randomChars(count: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < count) {
    for (const byte of crypto.getRandomValues(new Uint8Array(count * 2))) {
      if (byte < limit && out.length < count) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** A readable ID such as `k3xq-9fzt-m2pa-h7wd` (about 79 bits). */
export function createPeerId(): string {
  return Array.from({ length: GROUPS }, () => randomChars(GROUP_LENGTH)).join('-');
}

export function createPeerIdentity(): PeerIdentity {
  const tokenBytes = crypto.getRandomValues(new Uint8Array(16));
  const token = Array.from(tokenBytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return { peerId: createPeerId(), token };
}

export function isPeerIdentity(value: unknown): value is PeerIdentity {
  const candidate = value as Partial<PeerIdentity> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.peerId === 'string' &&
    PEER_ID_PATTERN.test(candidate.peerId) &&
    typeof candidate.token === 'string' &&
    candidate.token.length > 0
  );
}

/** A peer ID typed by a person: trimmed; `null` if PeerJS would refuse it. */
export function normalizePeerId(input: string): string | null {
  const trimmed = input.trim();
  return PEER_ID_PATTERN.test(trimmed) && trimmed.length <= 64 ? trimmed : null;
}
