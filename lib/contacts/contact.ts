/**
 * Where a contact stands with us.
 * - `outgoing`: we added them and asked; they have not accepted yet.
 * - `incoming`: they asked us; we have not answered. Nothing they send shows as chat.
 * - `accepted`: both sides agreed; chat flows.
 * - `blocked`: we refuse every connection from them, silently.
 */
export type ContactStatus = 'outgoing' | 'incoming' | 'accepted' | 'blocked';

export interface Contact {
  peerId: string;
  /** Our own name for them; '' until we give one. */
  nickname: string;
  /** The name they announced for themselves. Peer input: render as text only. */
  offeredName: string;
  status: ContactStatus;
  addedAt: number;
  /**
   * Their public identity key (lib/identity/identity-keys.ts), pinned by the first
   * handshake that proved it (trust on first use). `null` until then.
   */
  publicKey: string | null;
  /** The user compared safety numbers (or scanned their code) and marked them verified. */
  verified: boolean;
  /**
   * A different key they proved in a handshake, waiting for the user to accept it. While
   * it is set, nothing (chat, files, calls) flows: the link to them stays closed.
   */
  pendingKey: string | null;
}

/**
 * Why the conversation with a contact shows a warning (lib/identity). Both stop every
 * message and file until resolved.
 */
export type IdentityAlarm =
  /** They proved a different identity key than the pinned one (see Contact.pendingKey). */
  | { kind: 'key-changed'; newKey: string }
  /**
   * Their handshake did not verify: a bad signature, or signed DTLS fingerprints that are
   * not this connection's. Someone between us (the signaling server?) is in the middle.
   * Cleared by the next handshake that verifies.
   */
  | { kind: 'handshake-failed'; at: number; detail: string };

/** A contact as the views show it: the stored record plus live facts. */
export interface ContactSummary extends Contact {
  online: boolean;
  unread: number;
  lastMessage: { text: string; at: number; direction: 'in' | 'out' } | null;
  /** Files from them up to this many bytes are accepted without asking; 0: always ask. */
  autoAcceptBytes: number;
  /** A warning about their identity, or `null` when all is well. */
  alarm: IdentityAlarm | null;
  /**
   * The safety number of our pinned key and ours (lib/identity/safety-number.ts): twelve
   * groups of five digits, the same on both sides. `null` while no key is pinned.
   */
  safetyNumber: string | null;
}

/** The name to show for a contact: our nickname, else theirs, else the peer ID. */
export function displayName(contact: Pick<Contact, 'nickname' | 'offeredName' | 'peerId'>): string {
  return contact.nickname || contact.offeredName || contact.peerId;
}

export const MAX_NAME_LENGTH = 64;
