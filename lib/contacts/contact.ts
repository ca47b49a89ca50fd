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
  /** Their public identity key, pinned on first contact (issue #6). `null` until then. */
  publicKey: string | null;
}

/** A contact as the views show it: the stored record plus live facts. */
export interface ContactSummary extends Contact {
  online: boolean;
  unread: number;
  lastMessage: { text: string; at: number; direction: 'in' | 'out' } | null;
  /** Files from them up to this many bytes are accepted without asking; 0: always ask. */
  autoAcceptBytes: number;
}

/** The name to show for a contact: our nickname, else theirs, else the peer ID. */
export function displayName(contact: Pick<Contact, 'nickname' | 'offeredName' | 'peerId'>): string {
  return contact.nickname || contact.offeredName || contact.peerId;
}

export const MAX_NAME_LENGTH = 64;
